package postgres

// Migrations are the embedded migration files, for tests.
var Migrations = migrations
