package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// termSafe writes to a terminal (or whatever reads the output) with the
// control characters a file name, a zip member's name or a cell's text may
// carry made visible: ESC (which starts terminal escape sequences), BEL,
// backspace, the C1 controls… are written as \x1B and the like, so that no
// input can move the cursor, recolour or fake lines of jxsync's output.
// Line feeds and tabs pass, and carriage returns where keep says (the
// progress bar redraws its line with them on standard error).
type termSafe struct {
	w      io.Writer
	keepCR bool
}

// Write implements io.Writer. It reports len(p) written when the escaped
// bytes were all written.
func (t termSafe) Write(p []byte) (int, error) {
	clean := true
	for i, c := range p {
		if badByte(p, i, c, t.keepCR) {
			clean = false
			break
		}
	}
	if clean {
		return t.w.Write(p)
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == 0xC2 && i+1 < len(p) && p[i+1] >= 0x80 && p[i+1] <= 0x9F: // C1 control, U+0080–U+009F
			fmt.Fprintf(&b, `\u%04X`, p[i+1])
			i++
		case badByte(p, i, c, t.keepCR):
			fmt.Fprintf(&b, `\x%02X`, c)
		default:
			b.WriteByte(c)
		}
	}
	if _, err := io.WriteString(t.w, b.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// badByte reports whether p[i] = c is a control character to escape.
func badByte(p []byte, i int, c byte, keepCR bool) bool {
	switch {
	case c == '\n' || c == '\t':
		return false
	case c == '\r':
		return !keepCR
	case c < 0x20 || c == 0x7F:
		return true
	case c == 0xC2 && i+1 < len(p) && p[i+1] >= 0x80 && p[i+1] <= 0x9F:
		return true
	}
	return false
}

// oneLine makes text from a file or a workbook safe to print inside one line
// of a summary: line breaks become ⏎, so that a name cannot start a line
// that looks like jxsync's own.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n\u2028\u2029\u0085") {
		return s
	}
	return strings.NewReplacer("\r\n", "⏎", "\r", "⏎", "\n", "⏎", "\u2028", "⏎", "\u2029", "⏎", "\u0085", "⏎").Replace(s)
}

// safeOutputs wraps the CLI's standard output and error in termSafe.
func safeOutputs(stdout, stderr io.Writer) (io.Writer, io.Writer) {
	return termSafe{w: stdout}, termSafe{w: stderr, keepCR: true}
}

// osFile returns the file behind w, seeing through termSafe.
func osFile(w io.Writer) (*os.File, bool) {
	if t, ok := w.(termSafe); ok {
		w = t.w
	}
	f, ok := w.(*os.File)
	return f, ok
}
