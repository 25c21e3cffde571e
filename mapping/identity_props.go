package mapping

// Names of the custom document properties jxsync writes into every workbook
// it generates, so that a re-uploaded copy is known for what it is.
const (
	PropTemplate   = "jxsync.template"
	PropVersion    = "jxsync.version"
	PropUnit       = "jxsync.unit"
	PropYear       = "jxsync.year"
	PropSubmission = "jxsync.submission"
	PropRevision   = "jxsync.revision"
	PropDataHash   = "jxsync.datahash"
)
