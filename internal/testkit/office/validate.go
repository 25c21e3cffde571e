package office

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// SchemaError is one error the Open XML SDK validator reports.
type SchemaError struct {
	// ID names the kind of error (Sch_UnexpectedElementContentExpectingComplex, …).
	ID string `json:"id"`
	// Description says what is wrong, naming the element and value.
	Description string `json:"description"`
	// Path is where: the part (/xl/styles.xml) and the element in it.
	Path struct {
		XPath   string `json:"xpath"`
		PartURI string `json:"partUri"`
	} `json:"path"`
	// ErrorType is the validator's class of error (0 schema, 1 semantic, 2 package).
	ErrorType int `json:"errorType"`
}

// String is the error on one line, part first.
func (e SchemaError) String() string {
	return fmt.Sprintf("%s %s: %s: %s", e.Path.PartURI, e.Path.XPath, e.ID, e.Description)
}

// Validator is the npm package of Microsoft's Open XML SDK validator
// compiled to WebAssembly; scripts/test.sh installs it
// (npm install -g @ooxml-tools/validate@0.4.6).
const Validator = "@ooxml-tools/validate@0.4.6"

// validateScript validates the files named after the validator module's
// path in one Node process, loading the validator once (its command
// ooxml-validate takes one file and spends seconds starting), and prints
// their errors as one JSON object by file name.
const validateScript = `
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
const [mod, ...files] = process.argv.slice(1);
const { default: validate } = await import(pathToFileURL(mod).href);
const out = {};
for (const f of files) out[f] = await validate(await readFile(f), "xlsx", "Microsoft365");
process.stdout.write(JSON.stringify(out));
`

// maxValidators is the most Node processes ValidateOOXML runs at once, and
// filesPerValidator the least files it gives one: a process takes seconds
// to load the validator, then a fraction of one a file.
const (
	maxValidators     = 2
	filesPerValidator = 12
)

// ValidateOOXML validates the .xlsx files against the Office Open XML
// schemas (Office 365) with the validator of package Validator, run by
// Node on at most two processes at once (one per core, each validating at
// least filesPerValidator files), and returns each file's schema
// errors (none: an empty list). Without node or the validator the test is
// skipped, except on CI (CI=true) where it fails.
func ValidateOOXML(tb testing.TB, files ...string) map[string][]SchemaError {
	tb.Helper()
	node := need(tb, "node", "Node.js")
	mod := validatorModule(tb)
	n := min(maxValidators, max(1, runtime.NumCPU()), (len(files)+filesPerValidator-1)/filesPerValidator)
	batches := make([][]int, n) // indexes into files
	abs := make([]string, len(files))
	for i, f := range files {
		a, err := filepath.Abs(f)
		if err != nil {
			tb.Fatal(err)
		}
		abs[i] = a
		batches[i%n] = append(batches[i%n], i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(120+5*len(files))*time.Second)
	defer cancel()
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		out  = map[string][]SchemaError{}
		errs []string
	)
	for _, batch := range batches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			paths := make([]string, len(batch))
			for j, i := range batch {
				paths[j] = abs[i]
			}
			got, err := runValidator(ctx, node, mod, paths)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err.Error())
				return
			}
			for _, i := range batch {
				out[files[i]] = got[abs[i]]
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		tb.Fatalf("ooxml validator: %s", strings.Join(errs, "\n"))
	}
	return out
}

// runValidator validates files in one Node process.
func runValidator(ctx context.Context, node, mod string, files []string) (map[string][]SchemaError, error) {
	cmd := exec.CommandContext(ctx, node, append([]string{"--input-type=module", "-e", validateScript, mod}, files...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%v\n%s", err, stderr.String())
	}
	var got map[string][]SchemaError
	if err := json.Unmarshal(b, &got); err != nil {
		return nil, fmt.Errorf("output: %v\n%.500s", err, b)
	}
	for _, f := range files {
		if _, ok := got[f]; !ok {
			return nil, fmt.Errorf("no result for %s", f)
		}
	}
	return got, nil
}

// validatorModule returns the path of the validator's JavaScript module,
// found beside its command ooxml-validate (bin/ooxml-validate.js next to
// index.js in the installed package).
func validatorModule(tb testing.TB) string {
	tb.Helper()
	bin, err := exec.LookPath("ooxml-validate")
	if err != nil {
		missing(tb, "ooxml-validate ("+Validator+")")
	}
	if bin, err = filepath.EvalSymlinks(bin); err != nil {
		tb.Fatal(err)
	}
	mod := filepath.Join(filepath.Dir(filepath.Dir(bin)), "index.js")
	if _, err := os.Stat(mod); err != nil {
		tb.Fatalf("ooxml-validate at %s: no module %s: %v", bin, mod, err)
	}
	return mod
}
