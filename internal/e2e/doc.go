// Package e2e holds browser tests: a headless Chromium, driven through the
// DevTools protocol by chromedp, signs in and works through the real pages
// of a test server (the same web.Handler the product serves, over a fresh
// store from storetest, so SQLite by default and PostgreSQL when
// REDGRID_TEST_DATABASE_URL is set).
//
// The package has no code of its own; everything is in the _test.go files.
//
// Environment:
//
//	REDGRID_CHROME            path of the browser; else chromium, chromium-browser
//	                          or google-chrome from PATH
//	REDGRID_REQUIRE_BROWSER=1 fail, rather than skip, when no browser is found
//	REDGRID_SCREENSHOT_DIR    also write the screenshots there
//
// Run: REDGRID_REQUIRE_BROWSER=1 go test ./internal/e2e/ -count=1 -v
package e2e
