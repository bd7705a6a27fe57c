package ui

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// asset is one static file, served under a name that carries a hash of its
// content ("app.3f2a9c1b0d.css"). A changed file gets a new URL, so browsers
// may cache every URL forever.
type asset struct {
	url   string
	etag  string
	ctype string
	body  []byte
}

type assets struct {
	byName map[string]*asset // "app.css" -> asset
	byFile map[string]*asset // "app.3f2a9c1b0d.css" -> asset
}

func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]*asset{}, byFile: map[string]*asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:5])
		ext := path.Ext(name)
		file := strings.TrimSuffix(name, ext) + "." + hash + ext
		ctype := mime.TypeByExtension(ext)
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		as := &asset{url: "/static/" + file, etag: `"` + hash + `"`, ctype: ctype, body: body}
		a.byName[name], a.byFile[file] = as, as
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ui: static assets: %w", err)
	}
	return a, nil
}

// url is the template function "asset": the hashed URL of a static file. An
// unknown name is an error, which fails the template at start-up checks.
func (a *assets) url(name string) (string, error) {
	as, ok := a.byName[name]
	if !ok {
		return "", fmt.Errorf("ui: no static asset %q", name)
	}
	return as.url, nil
}

func (h *handler) static(w http.ResponseWriter, r *http.Request) {
	as, ok := h.assets.byFile[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", as.ctype)
	hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	hdr.Set("ETag", as.etag)
	if r.Header.Get("If-None-Match") == as.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write(as.body)
}
