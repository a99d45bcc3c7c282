package provider

// Releasable exposes releasable to the external tests.
var Releasable = releasable
