package sync

// CSVSafe neutralises a CSV cell that a spreadsheet would take for a
// formula (CSV injection, OWASP): text starting with = + - @, a tab, a
// carriage return or a line feed gets a leading single quote, which Excel
// and WPS show as text. A plain decimal number ("-12.5", "+3", "1e6")
// stays as it is, so that numbers stay numbers. The CSV writer still
// quotes the cell as it needs.
func CSVSafe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		if (s[0] == '-' || s[0] == '+') && decimal(s[1:]) {
			return s
		}
		return "'" + s
	}
	return s
}

// CSVSafeRecord returns record with every cell passed through CSVSafe (a
// new slice; record is not changed).
func CSVSafeRecord(record []string) []string {
	out := make([]string, len(record))
	for i, s := range record {
		out[i] = CSVSafe(s)
	}
	return out
}

// decimal reports whether s is an unsigned decimal number: digits with an
// optional fraction and exponent ("12", "12.5", ".5", "1e-3").
func decimal(s string) bool {
	i, digits := 0, 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, exp = i+1, exp+1
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}
