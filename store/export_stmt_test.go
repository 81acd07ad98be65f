package store

// OneConnForTest keeps the pool to one connection, so that a test sees the
// statements that connection prepared (stmtcache.go).
func OneConnForTest(d *DB) { d.db.SetMaxOpenConns(1) }
