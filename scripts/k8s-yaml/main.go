// Command k8s-yaml prints, for each file named on the command line, how Kubernetes decodes its YAML
// documents: the stream is cut into documents at `---` lines as kubectl cuts it, and each document
// is converted to JSON by sigs.k8s.io/yaml (go-yaml v2 underneath, YAML 1.1), as kubectl and the API
// server do; a stream that starts with `{` is decoded with encoding/json instead, as kubectl does.
// One JSON line per file:
//
//	{"file": "...", "docs": [{"line": N, "json": <value>, "duplicate": "..."} | {"line": N, "error": "..."} |
//	 {"line": N, "empty": true}, ...], "streamError": "..."}
//
// Build offline with the Debian packages golang-go and
// golang-k8s-sigs-yaml-dev:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o k8s-yaml ./scripts/k8s-yaml
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"unicode"

	"sigs.k8s.io/yaml"
)

type doc struct {
	Line  int             `json:"line"`
	JSON  json.RawMessage `json:"json,omitempty"`
	Error string          `json:"error,omitempty"`
	Empty bool            `json:"empty,omitempty"`
	// Duplicate is go-yaml's strict-mode error (a key set twice), which kubectl's default strict
	// field validation rejects.
	Duplicate string `json:"duplicate,omitempty"`
}

type result struct {
	File        string `json:"file"`
	Docs        []doc  `json:"docs"`
	StreamError string `json:"streamError,omitempty"`
}

// split cuts a stream into documents as kubectl does (k8s.io/apimachinery/pkg/util/yaml
// YAMLReader): at lines starting with "---" followed by nothing but spaces or a comment. Another
// line starting with "---" is an error. Returns the documents and the line each starts on.
func split(data []byte) ([][]byte, []int, error) {
	var docs [][]byte
	var lines []int
	var cur bytes.Buffer
	start := 1
	lineNo := 0
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		var line []byte
		if i < 0 {
			line, data = data, nil
		} else {
			line, data = data[:i+1], data[i+1:]
		}
		lineNo++
		if bytes.HasPrefix(line, []byte("---")) {
			rest := bytes.TrimSpace(line[3:])
			if len(rest) > 0 && rest[0] != '#' {
				return docs, lines, fmt.Errorf("line %d: invalid document separator: %s", lineNo, bytes.TrimSpace(line))
			}
			docs = append(docs, append([]byte(nil), cur.Bytes()...))
			lines = append(lines, start)
			cur.Reset()
			start = lineNo + 1
			continue
		}
		cur.Write(line)
	}
	docs = append(docs, cur.Bytes())
	lines = append(lines, start)
	return docs, lines, nil
}

func decodeFile(name string) result {
	r := result{File: name, Docs: []doc{}}
	data, err := os.ReadFile(name)
	if err != nil {
		r.StreamError = err.Error()
		return r
	}
	// kubectl decodes a stream whose first non-space character is `{` with encoding/json, one value
	// after another (apimachinery pkg/util/yaml YAMLOrJSONDecoder, GuessJSONStream).
	if bytes.HasPrefix(bytes.TrimLeftFunc(data, unicode.IsSpace), []byte("{")) {
		return decodeJSONStream(r, data)
	}
	docs, lines, err := split(data)
	if err != nil {
		r.StreamError = err.Error()
	}
	for i, d := range docs {
		out := doc{Line: lines[i]}
		j, err := yaml.YAMLToJSON(d)
		switch {
		case err != nil:
			out.Error = err.Error()
		case string(j) == "null":
			out.Empty = true
		default:
			out.JSON = j
			if _, err := yaml.YAMLToJSONStrict(d); err != nil {
				out.Duplicate = err.Error()
			}
		}
		r.Docs = append(r.Docs, out)
	}
	return r
}

func decodeJSONStream(r result, data []byte) result {
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		start := dec.InputOffset()
		for start < int64(len(data)) && unicode.IsSpace(rune(data[start])) {
			start++
		}
		line := 1 + bytes.Count(data[:start], []byte("\n"))
		var v interface{}
		err := dec.Decode(&v)
		if err == io.EOF {
			return r
		}
		if err != nil {
			r.Docs = append(r.Docs, doc{Line: line, Error: err.Error()})
			return r
		}
		j, err := json.Marshal(v)
		if err != nil {
			r.Docs = append(r.Docs, doc{Line: line, Error: err.Error()})
			return r
		}
		r.Docs = append(r.Docs, doc{Line: line, JSON: j})
	}
}

func main() {
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for _, name := range os.Args[1:] {
		if err := enc.Encode(decodeFile(name)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
