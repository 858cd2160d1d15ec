package store

// TermCap exposes the dense-bigram threshold to the black-box tests.
const TermCap = termCap

// SetSortedScanMin lowers the size from which SQLite exports scan and
// sort, so that tests cover both plans with few rows.
func SetSortedScanMin(n int) (restore func()) {
	old := sortedScanMin
	sortedScanMin = n
	return func() { sortedScanMin = old }
}
