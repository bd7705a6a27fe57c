package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestViewsParse parses every template as New does at start.
func TestViewsParse(t *testing.T) {
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	vs, err := parseViews(a)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs.m) != len(registeredViews) {
		t.Fatalf("parsed %d views, registered %d", len(vs.m), len(registeredViews))
	}
}

// TestEveryViewConstantIsRegistered reads this package's source: each
// constant of type view must be in registeredViews, or a handler could
// render a view that was never parsed.
func TestEveryViewConstantIsRegistered(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var found int
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		{
			ast.Inspect(f, func(n ast.Node) bool {
				vs, ok := n.(*ast.ValueSpec)
				if !ok {
					return true
				}
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "view" {
					return true
				}
				for i, name := range vs.Names {
					lit := vs.Values[i].(*ast.BasicLit)
					v := view(strings.Trim(lit.Value, `"`))
					found++
					if !slices.Contains(registeredViews, v) {
						t.Errorf("view constant %s (%q) is not in registeredViews", name.Name, v)
					}
				}
				return true
			})
		}
	}
	if found != len(registeredViews) {
		t.Errorf("found %d view constants, registeredViews has %d", found, len(registeredViews))
	}
}

// TestTemplateKeysInCatalog checks every {{.T "key"}} in the templates
// against every language, so no page can show a raw key.
func TestTemplateKeysInCatalog(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	err = fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templateFS.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			for lang, msgs := range c.msgs {
				if _, ok := msgs[m[1]]; !ok {
					t.Errorf("%s: key %q missing in %s", p, m[1], lang)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
