package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestBriefingPageDocxAPIAndNotes(t *testing.T) {
	e, _, _ := statsEnv(t)
	c := e.login("admin")
	page := c.get("/briefings/2021-08", http.StatusOK)
	for _, want := range []string{"城西新区党建工作简报（2021年8月）", "9000万元", "同比增长125%", "一、基本情况", "七、经济运行", `id="briefing-docx"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("briefing page lacks %q", want)
		}
	}
	c.get("/briefings", http.StatusOK)
	if p := c.get("/briefings/2030-01", http.StatusUnprocessableEntity); !strings.Contains(p, "不能晚于本月") {
		t.Fatal("future month: no message")
	}
	c.get("/briefings/2021-13", http.StatusUnprocessableEntity)

	// Commentary: saved, shown, and a stale version is refused.
	resp := c.post("/briefings/2021-08/notes", url.Values{"section": {"economy"}, "version": {"0"}, "body": {"下一步，继续抓好稳企助企。"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save note: %d", resp.StatusCode)
	}
	if p := c.get("/briefings/2021-08", http.StatusOK); !strings.Contains(p, "下一步，继续抓好稳企助企。") {
		t.Fatal("commentary not shown")
	}
	if st, _ := c.postBody("/briefings/2021-08/notes", url.Values{"section": {"economy"}, "version": {"0"}, "body": {"覆盖"}}); st != http.StatusUnprocessableEntity {
		t.Fatalf("stale note: %d", st)
	}
	if st, _ := c.postBody("/briefings/2021-08/notes", url.Values{"section": {"nonsense"}, "version": {"0"}, "body": {"x"}}); st != http.StatusUnprocessableEntity {
		t.Fatalf("unknown section: %d", st)
	}

	// The .docx opens: every XML part parses; the figures and commentary are in it.
	resp = c.do(mustReq("GET", e.srv.URL+"/briefings/2021-08/docx"))
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "filename*=UTF-8''") {
		t.Fatalf("docx: %d %s", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	var doc string
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		dec := xml.NewDecoder(bytes.NewReader(data))
		for {
			if _, err := dec.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
		}
		if f.Name == "word/document.xml" {
			doc = string(data)
		}
	}
	if !strings.Contains(doc, "9000万元") || !strings.Contains(doc, "下一步，继续抓好稳企助企。") {
		t.Fatal("docx lacks the figures or the commentary")
	}

	// The API: sections with figures, the exact figures, English on request.
	api := e.apiLogin("admin")
	st, body := api.call("GET", "/api/v1/briefings/2021-08", "")
	var out struct {
		Title    string `json:"title"`
		Sections []struct {
			Key       string `json:"key"`
			Sentences []struct {
				Text    string `json:"text"`
				Figures []struct {
					Key, Text, Exact string
				} `json:"figures"`
			} `json:"sentences"`
			Commentary []string `json:"commentary"`
		} `json:"sections"`
		Figures struct {
			Output struct {
				YTD int64 `json:"ytd_yuan"`
			} `json:"output"`
		} `json:"figures"`
	}
	if err := json.Unmarshal([]byte(body), &out); st != http.StatusOK || err != nil || len(out.Sections) != 7 || out.Figures.Output.YTD != 90_000_000 {
		t.Fatalf("api briefing: %d %v %s", st, err, body)
	}
	if eco := out.Sections[6]; eco.Key != "economy" || len(eco.Commentary) != 1 || len(eco.Sentences) == 0 || len(eco.Sentences[0].Figures) == 0 {
		t.Fatalf("economy section: %+v", eco)
	}
	if st, body = api.call("GET", "/api/v1/briefings/2021-08?lang=en", ""); st != http.StatusOK || !strings.Contains(body, "Economy") && !strings.Contains(body, "economy") {
		t.Fatalf("english: %d %s", st, body)
	}
	if st, body = api.call("PUT", "/api/v1/briefings/2021-08/notes/party", `{"body":"党建引领。","version":0}`); st != http.StatusOK || !strings.Contains(body, `"version":1`) {
		t.Fatalf("api note: %d %s", st, body)
	}
	if st, _ = api.call("PUT", "/api/v1/briefings/2021-08/notes/party", `{"body":"再改","version":0}`); st != http.StatusConflict {
		t.Fatalf("stale api note: %d", st)
	}
	// Grid staff read but may not write commentary.
	if st, _ = e.apiLogin("worker").call("PUT", "/api/v1/briefings/2021-08/notes/party", `{"body":"x","version":1}`); st != http.StatusForbidden {
		t.Fatalf("worker writes commentary: %d", st)
	}
	if st, _ = e.apiLogin("worker").call("GET", "/api/v1/briefings/2021-08", ""); st != http.StatusOK {
		t.Fatalf("worker reads briefing: %d", st)
	}
}
