package pgtest

// Server is a PostgreSQL server started from Debian's package in a
// temporary folder, as the tests start one.
type Server struct {
	// URL reaches its maintenance database as the postgres superuser.
	URL string
	// Dir holds its data folder and log; Stop removes it.
	Dir string
	// Pid is the postmaster's process id.
	Pid  int
	stop func()
}

// Start starts a server outside tests (benchmarks): as the tests do, on a
// free loopback port in a temporary folder, as the postgres user when this
// process is root. settings are name=value server settings that override
// the tests' (fsync=off, synchronous_commit=off, full_page_writes=off,
// max_connections=300, shared_buffers=32MB): fsync=on,
// synchronous_commit=on, full_page_writes=on give a durable server.
func Start(settings ...string) (*Server, error) { return start(settings) }

// Stop stops the server (a fast shutdown) and removes its folder.
func (s *Server) Stop() {
	if s != nil && s.stop != nil {
		s.stop()
	}
}
