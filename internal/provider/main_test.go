package provider_test

import (
	"testing"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
)

func TestMain(m *testing.M) { acctest.Run(m) }
