package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/store"
	"redgrid/internal/storetest"
)

func TestImportJobFileEncryptedAndDropped(t *testing.T) {
	s, _ := storetest.Open(t)
	ctx := context.Background()
	f := storetest.MustZone(t, s)
	u := storetest.MustUser(t, s, "sec", model.RoleGridWorker, f.GridA1.ID)
	actor := storetest.Actor(t, s, u)
	file := []byte("姓名,身份证号\n张一,11010519491231002X\n")
	j, err := s.CreateImportJob(ctx, actor, store.ImportJob{Register: "members", Mode: store.ImportUpsert, FileName: "m.csv",
		Checksum: "x", Total: 1}, file, 0)
	if err != nil {
		t.Fatal(err)
	}
	var raw []byte
	if err := s.R.QueryRowContext(ctx, "SELECT data FROM import_jobs WHERE id = $1", j.ID).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("11010519491231002X")) || len(raw) == 0 {
		t.Fatalf("stored file is not encrypted: %q", raw)
	}
	got, err := s.ImportJobData(ctx, j.ID)
	if err != nil || !bytes.Equal(got, file) {
		t.Fatalf("read back %q %v", got, err)
	}
	// Another user's job is not found; an admin's view finds it.
	other := storetest.Actor(t, s, storetest.MustUser(t, s, "other", model.RoleGridWorker, f.GridA1.ID))
	if _, err := s.ImportJob(ctx, other, j.ID); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("other user: %v", err)
	}
	if err := s.FinishImportStep(ctx, j.ID, store.JobChecked, store.ImportCounts{New: 1}, "", ""); err != nil {
		t.Fatal(err)
	}
	j, _ = s.ImportJob(ctx, actor, j.ID)
	if _, err := s.StartImportCommit(ctx, actor, j.ID, j.Version+1, 0); model.ErrorCode(err) != model.ECONFLICT {
		t.Fatalf("stale version commit: %v", err)
	}
	if _, err := s.StartImportCommit(ctx, actor, j.ID, j.Version, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartImportCommit(ctx, actor, j.ID, j.Version+1, 0); model.ErrorCode(err) != model.ECONFLICT {
		t.Fatalf("second commit: %v", err)
	}
	if err := s.FinishImportStep(ctx, j.ID, store.JobDone, store.ImportCounts{New: 1}, "", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportJobData(ctx, j.ID); model.ErrorCode(err) != model.ENOTFOUND {
		t.Fatalf("file kept after the import: %v", err)
	}
	// A job whose lease ran out is failed by the next look.
	j2, _ := s.CreateImportJob(ctx, actor, store.ImportJob{Register: "members", Mode: store.ImportUpsert, FileName: "m.csv", Checksum: "y"}, file, -1)
	if n, err := s.FailStaleImportJobs(ctx, "import.interrupted"); err != nil || n != 1 {
		t.Fatalf("stale: %d %v", n, err)
	}
	if j2, _ = s.ImportJob(ctx, actor, j2.ID); j2.State != store.JobFailed {
		t.Fatalf("state %s", j2.State)
	}
	// At start-up: on SQLite every running job is dead; on PostgreSQL
	// only those whose lease ran out (another process may hold the rest).
	j3, _ := s.CreateImportJob(ctx, actor, store.ImportJob{Register: "members", Mode: store.ImportUpsert, FileName: "m.csv", Checksum: "z"}, file, time.Hour)
	n, err := s.FailInterruptedImportJobs(ctx, "import.interrupted_hint")
	j3, _ = s.ImportJob(ctx, actor, j3.ID)
	if want := map[bool]string{true: store.JobFailed, false: store.JobChecking}[s.Engine() == "sqlite"]; err != nil || j3.State != want {
		t.Fatalf("start-up: %d %v state %s, want %s", n, err, j3.State, want)
	}
}
