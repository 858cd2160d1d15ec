package store

import "context"

// SetBulkSizes shrinks the bulk loader's batches so that tests cross
// statement and transaction boundaries with few rows; call the returned
// function to put them back.
func SetBulkSizes(rowsPerStmt, termsPerStmt, rowsPerTx int) (restore func()) {
	a, b, c := bulkRowsPerStmt, bulkTermsPerStmt, bulkRowsPerTx
	bulkRowsPerStmt, bulkTermsPerStmt, bulkRowsPerTx = rowsPerStmt, termsPerStmt, rowsPerTx
	return func() { bulkRowsPerStmt, bulkTermsPerStmt, bulkRowsPerTx = a, b, c }
}

// DeferIndexes exposes the index dropping of a bulk load to tests, to
// simulate a load interrupted before its indexes were built again.
func (s *Store) DeferIndexes(ctx context.Context) error { return s.deferIndexes(ctx) }
