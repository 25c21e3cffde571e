package office

import (
	"context"
	"encoding/json"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// loadScript loads each workbook named on the command line with openpyxl
// and prints, as one JSON object by file name, the error of each that does
// not load.
const loadScript = `
import json, sys, warnings
import openpyxl
warnings.simplefilter("ignore")
out = {}
for f in sys.argv[1:]:
    try:
        openpyxl.load_workbook(f).close()
    except Exception as e:
        out[f] = "%s: %s" % (type(e).__name__, e)
print(json.dumps(out, ensure_ascii=False))
`

// python is the Python 3 that has openpyxl, "" when none has: python3 on
// the PATH (which may be a pyenv shim), else Debian's /usr/bin/python3,
// where python3-openpyxl installs it.
var python = sync.OnceValue(func() string {
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if path, err := exec.LookPath(p); err == nil && exec.Command(path, "-c", "import openpyxl").Run() == nil {
			return path
		}
	}
	return ""
})

// OpenpyxlErrors loads the workbooks files with openpyxl, in one Python
// process, and returns the error of each that does not load (none: an empty
// map). Without a Python 3 with openpyxl (Debian: python3-openpyxl) the test
// is skipped, except on CI (CI=true) where it fails.
func OpenpyxlErrors(tb testing.TB, files ...string) map[string]string {
	tb.Helper()
	py := python()
	if py == "" {
		missing(tb, "python3 with openpyxl (python3-openpyxl)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(60+2*len(files))*time.Second)
	defer cancel()
	b, err := exec.CommandContext(ctx, py, append([]string{"-c", loadScript}, files...)...).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			tb.Fatalf("openpyxl: %v\n%s", err, ee.Stderr)
		}
		tb.Fatalf("openpyxl: %v", err)
	}
	out := map[string]string{}
	if err := json.Unmarshal(b, &out); err != nil {
		tb.Fatalf("openpyxl: output: %v\n%.500s", err, b)
	}
	return out
}
