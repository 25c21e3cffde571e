package mapping

// A label signature is a 64-bit set of the byte pairs of a text, each pair
// hashed to one bit. A text that contains a label (or starts with it, or
// is it) holds every byte pair of the label, so its signature holds the
// label's: a cell whose signature lacks a bit of the label's cannot match
// it, and is passed over without comparing text. Detection compares every
// template's labels and headers with every cell of a sheet; most cells
// lack a bit of most labels.

// labelSig returns the signature of s.
func labelSig(s string) uint64 {
	var sig uint64
	for i := 1; i < len(s); i++ {
		pair := uint32(s[i-1])<<8 | uint32(s[i])
		sig |= 1 << ((pair * 0x9E3779B1) >> 26)
	}
	return sig
}

// needle is a label normalised (NormLabel) with its signature.
type needle struct {
	text string
	sig  uint64
}

// needle returns NormLabel(l) and its signature, remembered by the view:
// the same labels are looked for in many rows and by many templates.
func (v *view) needle(l string) needle {
	if n, ok := v.needles[l]; ok {
		return n
	}
	nl := NormLabel(l)
	n := needle{nl, labelSig(nl)}
	if v.needles == nil {
		v.needles = map[string]needle{}
	}
	v.needles[l] = n
	return n
}

// sigs returns the signatures of the cells of row r, parallel to v.norm[r].
// They are made for the whole sheet at once, in one slice.
func (v *view) sigs(r int) []uint64 {
	v.makeSigs()
	return v.sig[v.sigAt[r]:v.sigAt[r+1]:v.sigAt[r+1]]
}

// makeSigs makes the signatures of the sheet's cells and rows and of the
// whole sheet, once.
func (v *view) makeSigs() {
	if v.sigAt == nil {
		at := make([]int32, len(v.norm)+1)
		for i, row := range v.norm {
			at[i+1] = at[i] + int32(len(row))
		}
		all := make([]uint64, at[len(v.norm)])
		rows := make([]uint64, len(v.norm))
		var sheet uint64
		for i, row := range v.norm {
			s := all[at[i]:at[i+1]]
			var u uint64
			for c, t := range row {
				if t != "" {
					s[c] = labelSig(t)
					u |= s[c]
				}
			}
			rows[i] = u
			sheet |= u
		}
		v.sig, v.sigAt, v.rowSig, v.sheetSig = all, at, rows, sheet
	}
}

// rowMay reports whether some cell of row r may hold n's text: the row's
// signature (its cells' together) holds n's.
func (v *view) rowMay(n needle, r int) bool {
	v.makeSigs()
	return n.may(v.rowSig[r])
}

// sheetMay reports whether some cell of the sheet may hold n's text.
func (v *view) sheetMay(n needle) bool {
	v.makeSigs()
	return n.may(v.sheetSig)
}

// may reports whether the cell whose signature is cell may hold n's text.
func (n needle) may(cell uint64) bool {
	return n.sig&^cell == 0
}

// dropSigs lets the signatures of the sheets' views go once detection or
// extraction is done: a sheet of 100,000 rows holds a million of them, and
// they would stay while the rest of an import needs the memory.
func dropSigs(sheets ...*Sheet) {
	for _, s := range sheets {
		if s.view != nil {
			s.view.sig, s.view.sigAt, s.view.rowSig, s.view.sheetSig = nil, nil, nil, 0
		}
	}
}
