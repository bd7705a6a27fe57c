package web

import (
	"encoding/json"
	"reflect"
	"strings"

	"github.com/vocdesk/vocdesk"
)

// rawMessageType is skipped by the walk: a raw message is decoded later, by
// decodeJSON's rules or the route's own, and checked then.
var rawMessageType = reflect.TypeFor[json.RawMessage]()

// checkDecodedText walks a decoded request (structs, pointers, slices, maps
// and interfaces) and checks every string in it, map keys included, against
// vocdesk.TextProblem. The error names the field by its JSON path, so that
// a client sees which of its values to fix.
func checkDecodedText(v any) error {
	return walkText(reflect.ValueOf(v), "")
}

func walkText(v reflect.Value, path string) error {
	switch v.Kind() {
	case reflect.String:
		return vocdesk.CheckText(fieldName(path), v.String())
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return walkText(v.Elem(), path)
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			// An embedded struct of an unexported type still lends its
			// exported fields to encoding/json, so it is walked too.
			if !f.IsExported() && !f.Anonymous {
				continue
			}
			name := strings.Split(f.Tag.Get("json"), ",")[0]
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if f.Anonymous && f.Tag.Get("json") == "" {
				name = "" // embedded: its fields are the parent's
			}
			if err := walkText(v.Field(i), joinPath(path, name)); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type() == rawMessageType || v.Type().Elem().Kind() == reflect.Uint8 {
			return nil
		}
		for i := range v.Len() {
			if err := walkText(v.Index(i), path+"[]"); err != nil {
				return err
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if err := walkText(it.Key(), joinPath(path, "(key)")); err != nil {
				return err
			}
			if err := walkText(it.Value(), joinPath(path, it.Key().String())); err != nil {
				return err
			}
		}
	}
	return nil
}

func joinPath(path, name string) string {
	switch {
	case name == "":
		return path
	case path == "":
		return name
	}
	return path + "." + name
}

func fieldName(path string) string {
	if path == "" {
		return "value"
	}
	return path
}
