import {
  to       = kafkatenant_topic.orders
  identity = { name = "payments.orders" }
}
