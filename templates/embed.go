// Package templates holds the official form templates jxsync ships: for each
// template id and version a folder <id>/<version>/ with the blank
// template.xlsx, its mapping.yaml and filled examples/ made from the seed
// reports. The .xlsx files are generated: run `go generate ./templates`
// after changing a form's layout (package template) or an example's YAML.
package templates

import "embed"

//go:generate go run ../cmd/jxsync templates build --dir .

// FS is the embedded template tree.
//
//go:embed */*
var FS embed.FS
