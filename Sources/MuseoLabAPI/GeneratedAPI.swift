// The types and server stubs of this module are generated at build time from
// openapi.yaml by swift-openapi-generator (see openapi-generator-config.yaml).
