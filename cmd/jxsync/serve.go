package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/template"
	"github.com/jxsync/jxsync/web"
)

// serveOptions are the flags of serve.
type serveOptions struct {
	addr       string
	maxUpload  int64
	certFile   string
	keyFile    string
	trustProxy bool
}

func newServeCmd(g *globals) *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "启动网页填报平台 (run the web portal for agencies and the bureau)",
		Long: "启动网页填报平台：预算单位登录后下载模板、上传自评表并立即看到校验结果；财政局查看各单位填报情况并审核。\n" +
			"与命令行使用同一个库和配置。账号用 jxsync user add 开通。\n\n" +
			"Runs the web portal on the same store and configuration as the CLI; accounts are made with `jxsync user add`.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), g, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8080", "监听地址 (address to listen on)")
	f.Int64Var(&o.maxUpload, "max-upload-bytes", web.DefaultMaxUploadBytes, "上传文件大小上限，字节 (largest upload request accepted, in bytes)")
	f.StringVar(&o.certFile, "tls-cert", "", "TLS 证书文件 (TLS certificate file; serve https)")
	f.StringVar(&o.keyFile, "tls-key", "", "TLS 私钥文件 (TLS key file)")
	f.BoolVar(&o.trustProxy, "trust-proxy", false, "信任反向代理的 X-Forwarded-For/-Proto 头 (behind a reverse proxy that sets them)")
	return cmd
}

// runServe serves the portal until ctx is cancelled or the process is
// interrupted, then shuts down gracefully.
func runServe(ctx context.Context, g *globals, o serveOptions) error {
	if (o.certFile == "") != (o.keyFile == "") {
		return &exitError{code: exitFailure, err: errors.New("serve: --tls-cert 和 --tls-key 要同时给出，或都不给 (give both --tls-cert and --tls-key, or neither)")}
	}
	if o.maxUpload <= 0 {
		return &exitError{code: exitFailure, err: fmt.Errorf("serve: --max-upload-bytes 应为正数，而不是 %d (must be positive)", o.maxUpload)}
	}
	svc, cfg, closeStores, err := g.writableService(ctx)
	if err != nil {
		return err
	}
	defer closeStores()
	_, reg, err := g.serviceFor(cfg)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(g.stderr, nil))
	q, err := serveJobs(ctx, cfg, svc)
	if err != nil {
		return err
	}
	defer func() {
		// Jobs in hand get a while to finish; then they are cancelled and
		// retried by the next start.
		stop, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		q.Close(stop)
	}()
	srv, err := web.New(svc, web.Options{MaxUploadBytes: o.maxUpload, Blank: blankOf(reg), TrustProxy: o.trustProxy, Logger: logger, Jobs: q})
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		WriteTimeout: 10 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("serve: 无法在 %s 上监听，端口是否已被占用或地址有误？可用 --addr 换一个端口，如 --addr 127.0.0.1:8081 (cannot listen): %w", o.addr, err)}
	}
	scheme := "http"
	if o.certFile != "" {
		scheme = "https"
	}
	fmt.Fprintf(g.stdout, "jxsync 网页平台 %s://%s （数据目录 %s；Ctrl-C 停止）\n", scheme, ln.Addr(), cfg.DataDir)

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() {
		if o.certFile != "" {
			done <- hs.ServeTLS(ln, o.certFile, o.keyFile)
		} else {
			done <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	fmt.Fprintln(g.stdout, "jxsync 网页平台已停止 (stopped)")
	return nil
}

// blankOf returns the blank template workbooks of a registry.
func blankOf(reg *template.Registry) web.BlankFunc {
	return func(id, version string) ([]byte, error) {
		t, err := mapping.Find(reg.Templates, id+"@"+version)
		if err != nil {
			return nil, err
		}
		return reg.Blank(t)
	}
}
