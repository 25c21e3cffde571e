package sync

// ImportTally counts what a batch did, for its summary. It holds counts
// only — never a file's results — so that it stays the same size however
// many files are imported.
type ImportTally struct {
	// Files counts the files (each file's results are added once).
	Files int
	// Forms counts the results read from a form sheet.
	Forms int
	// Outcomes counts results per outcome: of forms, and once for a file
	// that was not read.
	Outcomes map[string]int
	// Templates counts the forms read per "template@version".
	Templates map[string]int
}

// Add counts one file's results.
func (t *ImportTally) Add(rs []*ImportResult) {
	if t.Outcomes == nil {
		t.Outcomes, t.Templates = map[string]int{}, map[string]int{}
	}
	t.Files++
	for _, r := range rs {
		t.Outcomes[r.Outcome]++
		if r.Sheet != "" {
			t.Forms++
			t.Templates[r.Template+"@"+r.Version]++
		}
	}
}
