import {
  to = kafkatenant_topic.orders
  id = "payments.orders"
}
