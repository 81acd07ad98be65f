package main

import (
	"fmt"
	"log/slog"
	"strings"
)

// Config is everything Pamong reads from the environment. Each field names
// its variable; README.md has the table.
type Config struct {
	DatabaseURL string     // DATABASE_URL; empty: the private cluster
	DataDir     string     // PAMONG_DATA_DIR
	Addr        string     // PAMONG_ADDR
	LogLevel    slog.Level // PAMONG_LOG_LEVEL
	CoursePath  string     // PAMONG_COURSE; empty: the bundled course
}

// LoadConfig reads and validates the environment.
func LoadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		DatabaseURL: getenv("DATABASE_URL"),
		DataDir:     or(getenv("PAMONG_DATA_DIR"), ".pamong"),
		Addr:        or(getenv("PAMONG_ADDR"), ":8080"),
		CoursePath:  getenv("PAMONG_COURSE"),
	}
	if lvl := getenv("PAMONG_LOG_LEVEL"); lvl != "" {
		if err := c.LogLevel.UnmarshalText([]byte(lvl)); err != nil {
			return c, fmt.Errorf("PAMONG_LOG_LEVEL=%q: want debug, info, warn or error", lvl)
		}
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") && !strings.Contains(c.DatabaseURL, "=") {
		return c, fmt.Errorf("DATABASE_URL is not a PostgreSQL connection string: want postgres://user:password@host:5432/pamong?sslmode=disable")
	}
	return c, nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
