// Command redgrid runs the 红网格 party-building and enterprise-service
// system. All logic lives under internal/; this file only hands over.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"redgrid/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	stop()
	os.Exit(code)
}
