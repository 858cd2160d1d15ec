package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"redgrid/internal/model"
	"redgrid/internal/secret"
	"redgrid/internal/textkey"
)

// Bulk loading of party organizations and members, for the benchmark
// generator: millions of members in minutes. Like BulkLoadEnterprises it
// writes directly, without per-row audit entries, into empty tables, with
// the members' secondary indexes built once at the end.

// BulkOrg is one organization of a bulk load; Parent indexes the slice
// (−1 for a top-level organization) and must precede the child.
type BulkOrg struct {
	Code, Name, Kind string
	Parent           int
	Founded          time.Time
}

// BulkMember is one member of a bulk load. Org indexes the organizations of
// the same load.
type BulkMember struct {
	Name, IDNumber, Phone        string
	Male                         bool
	Birth, Admitted              time.Time
	Full                         bool // 正式; else 预备
	Status, Education, Ethnicity string
	Position                     string
	Mobile                       bool
	Org                          int
	EnterpriseID                 int64 // 0 for none
}

const bulkMembersPerStmt = 500
const bulkMembersPerTx = 20_000

// BulkLoadParty loads orgs and n members (member(i) gives the i-th) into a
// database without organizations. progress, when set, is called with the
// number of members written.
func (s *Store) BulkLoadParty(ctx context.Context, orgs []BulkOrg, n int, member func(i int) BulkMember, progress func(done int)) (err error) {
	keys, err := s.keys()
	if err != nil {
		return err
	}
	var existing int
	if err := s.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM organizations LIMIT 1) x").Scan(&existing); err != nil {
		return fmt.Errorf("store: bulk party: %w", err)
	}
	if existing > 0 {
		return errors.New("store: bulk party: organizations already exist; the bulk loader needs an empty register")
	}
	for i, o := range orgs {
		if o.Parent >= i || orgKindCode(o.Kind) == "" {
			return fmt.Errorf("store: bulk party: organization %d (%s): bad parent or kind", i, o.Code)
		}
	}
	if err := s.RestoreDeferredIndexes(ctx); err != nil {
		return err
	}
	if s.dialect.name == "sqlite" {
		restore, err := s.bulkPragmas(ctx)
		if err != nil {
			return err
		}
		defer restore()
	}
	if err := s.deferIndexesOf(ctx, "members", "org_posts"); err != nil {
		return err
	}
	defer func() {
		if e := s.RestoreDeferredIndexes(context.WithoutCancel(ctx)); err == nil {
			err = e
		}
		if err == nil {
			err = s.InTx(ctx, func(tx *Tx) error { return rebuildOrgKinds(ctx, tx) })
		}
		if err == nil {
			err = s.Analyze(ctx)
		}
	}()

	// Organizations: ids assigned here, so paths are known without reading back.
	var base int64
	if err := s.R.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM organizations").Scan(&base); err != nil {
		return err
	}
	ids := make([]int64, len(orgs))
	paths := make([]string, len(orgs))
	now := s.now()
	for start := 0; start < len(orgs); start += 20_000 {
		end := min(start+20_000, len(orgs))
		err := s.InTx(ctx, func(tx *Tx) error {
			for chunk := start; chunk < end; chunk += 1000 {
				cend := min(chunk+1000, end)
				var b strings.Builder
				b.WriteString(s.bulkInsert() + " organizations (id, code, name, kind, parent_id, path, founded_on, sort_key, created_at, updated_at, version) VALUES ")
				ph := s.placeholders(1)
				args := make([]any, 0, (cend-chunk)*10)
				for i := chunk; i < cend; i++ {
					o := orgs[i]
					ids[i] = base + int64(i) + 1
					var parent any
					paths[i] = "/" + strconv.FormatInt(ids[i], 10) + "/"
					if o.Parent >= 0 {
						parent = ids[o.Parent]
						paths[i] = paths[o.Parent] + strconv.FormatInt(ids[i], 10) + "/"
					}
					if i > chunk {
						b.WriteByte(',')
					}
					b.WriteString("(" + ph() + "," + ph() + "," + ph() + "," + ph() + "," + ph() + "," + ph() + "," + ph() + "," + ph() + "," + ph() + "," + ph() + ",1)")
					t := tx.now
					args = append(args, ids[i], o.Code, o.Name, orgKindCode(o.Kind), parent, paths[i], o.Founded, textkey.SortKey(o.Name), t, t)
				}
				if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
					return fmt.Errorf("store: bulk organizations: %w", err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if s.dialect.name == "postgres" {
		if _, err := s.W.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence('organizations', 'id'), (SELECT MAX(id) FROM organizations))"); err != nil {
			return fmt.Errorf("store: bulk organizations: sequence: %w", err)
		}
	}

	// Members: encryption, blind indexes and sort keys are CPU work done by
	// a pool of workers while the previous batch is written.
	type batch struct {
		args   [][]any
		counts map[countKey]int
		n      int
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan *batch, 2)
	go func() {
		defer close(batches)
		for start := 0; start < n; start += bulkMembersPerTx {
			end := min(start+bulkMembersPerTx, n)
			b := &batch{counts: map[countKey]int{}, n: end - start}
			rows := make([][]any, end-start)
			var wg sync.WaitGroup
			workers := runtime.GOMAXPROCS(0)
			var mu sync.Mutex
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					local := map[countKey]int{}
					for i := start + w; i < end; i += workers {
						m := member(i)
						rows[i-start] = bulkMemberArgs(keys, m, ids[m.Org], paths[m.Org], now)
						cat := model.CategoryProbationary
						if m.Full {
							cat = model.CategoryFull
						}
						local[countKey{ids[m.Org], cat, m.Status}]++
					}
					mu.Lock()
					for k, v := range local {
						b.counts[k] += v
					}
					mu.Unlock()
				}()
			}
			wg.Wait()
			for i := 0; i < len(rows); i += bulkMembersPerStmt {
				var flat []any
				for _, r := range rows[i:min(i+bulkMembersPerStmt, len(rows))] {
					flat = append(flat, r...)
				}
				b.args = append(b.args, flat)
			}
			select {
			case batches <- b:
			case <-cctx.Done():
				return
			}
		}
	}()
	counts := map[countKey]int{}
	done := 0
	sqlFor := map[int]string{}
	for b := range batches {
		err := s.InTx(ctx, func(tx *Tx) error {
			for _, args := range b.args {
				rows := len(args) / memberBulkCols
				q, ok := sqlFor[rows]
				if !ok {
					q = s.bulkMemberSQL(rows)
					sqlFor[rows] = q
				}
				if _, err := tx.ExecContext(ctx, q, args...); err != nil {
					return fmt.Errorf("store: bulk members: %w", err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for k, v := range b.counts {
			counts[k] += v
		}
		done += b.n
		if progress != nil {
			progress(done)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	subtree := map[countKey]int{}
	for k, v := range counts {
		for _, id := range pathIDs(paths[k.org-base-1]) {
			subtree[countKey{id, k.category, k.status}] += v
		}
	}
	return s.InTx(ctx, func(tx *Tx) error {
		for k, v := range subtree {
			if _, err := tx.ExecContext(ctx, "INSERT INTO org_subtree_counts (org_id, category, status, n) VALUES ($1, $2, $3, $4)",
				k.org, k.category, k.status, v); err != nil {
				return fmt.Errorf("store: bulk counters: %w", err)
			}
		}
		for k, v := range counts {
			if _, err := tx.ExecContext(ctx, "INSERT INTO org_member_counts (org_id, org_path, category, status, n) VALUES ($1, $2, $3, $4, $5)",
				k.org, paths[k.org-base-1], k.category, k.status, v); err != nil {
				return fmt.Errorf("store: bulk counters: %w", err)
			}
		}
		return nil
	})
}

type countKey struct {
	org              int64
	category, status string
}

const memberBulkCols = 23

func (s *Store) bulkMemberSQL(rows int) string {
	var b strings.Builder
	b.WriteString(s.bulkInsert() + ` members (name, sort_key, id_enc, id_index, id_masked, sex, birth_date, phone_enc, phone_index,
		phone_masked, ethnicity, education, category, admitted_on, full_on, status, mobile, org_id, org_path, enterprise_id,
		position_kind, created_at, updated_at, version) VALUES `)
	ph := s.placeholders(1)
	for r := range rows {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := range memberBulkCols {
			if c > 0 {
				b.WriteByte(',')
			}
			b.WriteString(ph())
		}
		b.WriteString(",1)")
	}
	return b.String()
}

// bulkMemberArgs derives one member's stored columns.
func bulkMemberArgs(keys *secret.Keyring, m BulkMember, orgID int64, orgPath string, now time.Time) []any {
	idEnc, err := keys.EncryptField(fieldIDNumber, m.IDNumber)
	if err != nil {
		panic(err) // encryption of a valid key cannot fail
	}
	phoneEnc, err := keys.EncryptField(fieldPhone, m.Phone)
	if err != nil {
		panic(err)
	}
	sex := "female"
	if m.Male {
		sex = "male"
	}
	cat := model.CategoryProbationary
	var full any
	if m.Full {
		cat = model.CategoryFull
		full = m.Admitted.AddDate(1, 0, 0)
	}
	var ent any
	if m.EnterpriseID != 0 {
		ent = m.EnterpriseID
	}
	return []any{m.Name, textkey.SortKey(m.Name), idEnc, keys.Index(indexIDNumber, m.IDNumber), secret.MaskID(m.IDNumber), sex, m.Birth,
		phoneEnc, keys.Index(indexPhone, m.Phone), secret.MaskPhone(m.Phone), m.Ethnicity, m.Education, cat, m.Admitted, full,
		m.Status, m.Mobile, orgID, orgPath, ent, m.Position, now, now}
}
