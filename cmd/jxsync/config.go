package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/jxsync/jxsync/template"
)

// Config is jxsync's configuration. It is read from jxsync.yaml (in the
// working directory, or --config), then JXSYNC_* environment variables
// (JXSYNC_DATA_DIR, JXSYNC_LIMITS_MAX_FILE_BYTES, ...), then flags; the
// components receive the plain values, never viper.
type Config struct {
	// DataDir is where the embedded default store keeps its SQLite file and
	// blob folder. Default ./jxsync-data.
	DataDir string `mapstructure:"data_dir"`
	// TemplatesDir, when set, is a folder of <id>/<version>/ template
	// versions used in place of the embedded ones.
	TemplatesDir string `mapstructure:"templates_dir"`
	// Limits bounds the workbooks read.
	Limits LimitsConfig `mapstructure:"limits"`
	// Store says where originals and records are kept.
	Store StoreConfig `mapstructure:"store"`
	// S3 reaches the bucket when store.blobs is s3 (JXSYNC_S3_ENDPOINT, …).
	S3 S3Config `mapstructure:"s3"`
	// Postgres reaches the database when store.records is postgres
	// (JXSYNC_POSTGRES_URL).
	Postgres PostgresConfig `mapstructure:"postgres"`
	// Import tunes bulk imports.
	Import ImportConfig `mapstructure:"import"`
	// Jobs tunes the job queue of `jxsync worker` and the portal.
	Jobs JobsConfig `mapstructure:"jobs"`
}

// JobsConfig tunes the job queue (bulk imports, zips, reports started in
// the portal).
type JobsConfig struct {
	// Workers is how many jobs one process works at once. Default 2.
	Workers int `mapstructure:"workers"`
	// RescueAfter is how long a job may run before it is taken for the
	// job of a dead worker and run again (JXSYNC_JOBS_RESCUE_AFTER, e.g.
	// 10m). A job works in slices of half that time. Default 10 minutes.
	RescueAfter time.Duration `mapstructure:"rescue_after"`
}

// StoreConfig says where originals and records are kept.
type StoreConfig struct {
	// Blobs is where original files go: local (the default, a folder
	// <data_dir>/blobs) or s3.
	Blobs string `mapstructure:"blobs"`
	// Records is where the records (revisions, values, accounts) go:
	// sqlite (the default, the file Database) or postgres (the database
	// postgres.url; then no SQLite file is made).
	Records string `mapstructure:"records"`
	// Database is the SQLite file of the records. Default <data_dir>/jxsync.db.
	Database string `mapstructure:"database"`
}

// PostgresConfig reaches a PostgreSQL database.
type PostgresConfig struct {
	// URL is postgres://user:password@host:port/database?sslmode=….
	URL string `mapstructure:"url"`
}

// S3Config reaches an S3-compatible bucket (AWS S3, MinIO, versitygw).
type S3Config struct {
	// Endpoint is host:port, e.g. 127.0.0.1:7070.
	Endpoint string `mapstructure:"endpoint"`
	// Bucket is created when missing. Default jxsync.
	Bucket string `mapstructure:"bucket"`
	// Region of the bucket, when the service needs one.
	Region string `mapstructure:"region"`
	// AccessKey and SecretKey are the credentials.
	AccessKey string `mapstructure:"access_key"`
	SecretKey string `mapstructure:"secret_key"`
	// TLS uses https.
	TLS bool `mapstructure:"tls"`
}

// ImportConfig tunes bulk imports.
type ImportConfig struct {
	// Workers is how many files are imported at once. Default: the number
	// of CPUs.
	Workers int `mapstructure:"workers"`
}

// LimitsConfig bounds the workbooks read, against zip bombs and huge sheets.
type LimitsConfig struct {
	// MaxFileBytes is the largest workbook file accepted. Default 50 MiB.
	MaxFileBytes int64 `mapstructure:"max_file_bytes"`
	// MaxUnzipBytes is the most a workbook may expand to. Default 200 MiB.
	MaxUnzipBytes int64 `mapstructure:"max_unzip_bytes"`
	// MaxCells is the most non-empty cells read from one workbook. Default 2,000,000.
	MaxCells int `mapstructure:"max_cells"`
}

func (l LimitsConfig) limits() template.Limits {
	return template.Limits{MaxFileBytes: l.MaxFileBytes, MaxUnzipBytes: l.MaxUnzipBytes, MaxCells: l.MaxCells}
}

// loadConfig reads the configuration file (explicit path, or jxsync.yaml in
// the working directory when present), the environment and the flags.
func loadConfig(path string, flags *pflag.FlagSet) (*Config, error) {
	v := viper.New()
	v.SetDefault("data_dir", "jxsync-data")
	v.SetDefault("templates_dir", "")
	v.SetDefault("limits.max_file_bytes", template.DefaultLimits.MaxFileBytes)
	v.SetDefault("limits.max_unzip_bytes", template.DefaultLimits.MaxUnzipBytes)
	v.SetDefault("limits.max_cells", template.DefaultLimits.MaxCells)
	v.SetDefault("store.blobs", "local")
	v.SetDefault("store.database", "")
	v.SetDefault("store.records", "sqlite")
	v.SetDefault("postgres.url", "")
	for _, k := range []string{"endpoint", "region", "access_key", "secret_key"} {
		v.SetDefault("s3."+k, "")
	}
	v.SetDefault("s3.bucket", "jxsync")
	v.SetDefault("s3.tls", false)
	v.SetDefault("import.workers", runtime.NumCPU())
	v.SetDefault("jobs.workers", 2)
	v.SetDefault("jobs.rescue_after", 10*time.Minute)
	v.SetEnvPrefix("JXSYNC")
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	if path == "" {
		if _, err := os.Stat("jxsync.yaml"); err == nil {
			path = "jxsync.yaml"
		}
	}
	if path != "" {
		v.SetConfigFile(path)
		if err := v.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("config %s: %w", path, err)
		}
	}
	if flags != nil {
		if f := flags.Lookup("data-dir"); f != nil && f.Changed {
			v.Set("data_dir", f.Value.String())
		}
		if f := flags.Lookup("templates-dir"); f != nil && f.Changed {
			v.Set("templates_dir", f.Value.String())
		}
	}
	var c Config
	if err := v.Unmarshal(&c, func(dc *mapstructure.DecoderConfig) { dc.ErrorUnused = true }); err != nil {
		return nil, fmt.Errorf("config %s: %w", nameOr(path, "(defaults)"), err)
	}
	if c.DataDir == "" {
		return nil, fmt.Errorf("config %s: data_dir: must not be empty", nameOr(path, "(environment)"))
	}
	c.DataDir = filepath.Clean(c.DataDir)
	if c.Store.Database == "" {
		c.Store.Database = filepath.Join(c.DataDir, "jxsync.db")
	}
	switch c.Store.Blobs {
	case "local":
	case "s3":
		if c.S3.Endpoint == "" {
			return nil, fmt.Errorf("config %s: s3.endpoint: required when store.blobs is s3", nameOr(path, "(environment)"))
		}
	default:
		return nil, fmt.Errorf("config %s: store.blobs: must be local or s3, got %q", nameOr(path, "(environment)"), c.Store.Blobs)
	}
	switch c.Store.Records {
	case "sqlite":
	case "postgres":
		if c.Postgres.URL == "" {
			return nil, fmt.Errorf("config %s: postgres.url: required when store.records is postgres", nameOr(path, "(environment)"))
		}
	default:
		return nil, fmt.Errorf("config %s: store.records: must be sqlite or postgres, got %q", nameOr(path, "(environment)"), c.Store.Records)
	}
	if c.Import.Workers < 1 {
		return nil, fmt.Errorf("config %s: import.workers: must be at least 1, got %d", nameOr(path, "(environment)"), c.Import.Workers)
	}
	if c.Jobs.Workers < 1 {
		return nil, fmt.Errorf("config %s: jobs.workers: must be at least 1, got %d", nameOr(path, "(environment)"), c.Jobs.Workers)
	}
	if c.Jobs.RescueAfter < 2*time.Second {
		return nil, fmt.Errorf("config %s: jobs.rescue_after: must be at least 2s, got %s", nameOr(path, "(environment)"), c.Jobs.RescueAfter)
	}
	return &c, nil
}

func nameOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
