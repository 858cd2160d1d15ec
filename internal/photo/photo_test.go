package photo

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"redgrid/internal/model"
	"redgrid/internal/rules"
)

func wantKey(t *testing.T, err error, key string) {
	t.Helper()
	e, ok := model.AsError(err)
	if !ok || e.Code != model.EINVALID || e.Key != key {
		t.Fatalf("got %v, want %s", err, key)
	}
}

func testImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 100, 255})
		}
	}
	return img
}

// withExif inserts an APP1 EXIF segment (big-endian TIFF, IFD0 with a GPS
// tag and an Exif IFD holding DateTimeOriginal) after the SOI marker.
func withExif(j []byte, when string) []byte {
	var tiff bytes.Buffer
	bo := binary.BigEndian
	tiff.WriteString("MM")
	binary.Write(&tiff, bo, uint16(42))
	binary.Write(&tiff, bo, uint32(8))
	// IFD0 at 8: two entries (GPS pointer 0x8825, Exif pointer 0x8769).
	binary.Write(&tiff, bo, uint16(2))
	ent := func(tag, typ uint16, count, val uint32) {
		binary.Write(&tiff, bo, tag)
		binary.Write(&tiff, bo, typ)
		binary.Write(&tiff, bo, count)
		binary.Write(&tiff, bo, val)
	}
	exifOff := uint32(8 + 2 + 2*12 + 4)
	ent(0x8769, 4, 1, exifOff)
	ent(0x8825, 4, 1, 0)
	binary.Write(&tiff, bo, uint32(0))
	// Exif IFD: one entry, DateTimeOriginal.
	strOff := exifOff + 2 + 12 + 4
	binary.Write(&tiff, bo, uint16(1))
	ent(0x9003, 2, 20, strOff)
	binary.Write(&tiff, bo, uint32(0))
	tiff.WriteString(when + "\x00")
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	return append(append(append([]byte{}, j[:2]...), seg...), j[2:]...)
}

func TestJPEGKeepsOnlyCaptureTime(t *testing.T) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(40, 30), nil); err != nil {
		t.Fatal(err)
	}
	in := withExif(buf.Bytes(), "2026:11:20 09:30:00")
	if !bytes.Contains(in, []byte("Exif")) {
		t.Fatal("fixture has no EXIF")
	}
	r, err := Process(in)
	if err != nil {
		t.Fatal(err)
	}
	if r.MIME != "image/jpeg" || r.Width != 40 || r.Height != 30 {
		t.Fatalf("result %s %dx%d", r.MIME, r.Width, r.Height)
	}
	if bytes.Contains(r.Data, []byte("Exif")) {
		t.Fatal("metadata survived re-encoding")
	}
	if r.TakenAt == nil || r.TakenAt.Format("2006-01-02T15:04Z07:00") != "2026-11-20T01:30Z" {
		t.Fatalf("capture time %v", r.TakenAt)
	}
}

func TestPNGAndWebPAndShrink(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage(rules.PhotoMaxSide+100, 50)); err != nil {
		t.Fatal(err)
	}
	r, err := Process(buf.Bytes())
	if err != nil || r.MIME != "image/png" || r.Width != rules.PhotoMaxSide || r.TakenAt != nil {
		t.Fatalf("png: %v %s %d", err, r.MIME, r.Width)
	}
	// A 1×1 lossless WebP.
	webp := []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")
	r, err = Process(webp)
	if err != nil || r.MIME != "image/jpeg" || r.Width != 1 {
		t.Fatalf("webp: %v %s %d", err, r.MIME, r.Width)
	}
}

func TestBadPhotos(t *testing.T) {
	_, err := Process([]byte("%PDF-1.7 not a photo"))
	wantKey(t, err, "photo.not_image")
	_, err = Process(bytes.Repeat([]byte{0xFF}, rules.PhotoMaxBytes+1))
	wantKey(t, err, "photo.too_large")
	// A PNG header claiming 100000×100000 pixels: refused before decoding.
	var buf bytes.Buffer
	png.Encode(&buf, testImage(1, 1))
	b := buf.Bytes()
	binary.BigEndian.PutUint32(b[16:], 100000)
	binary.BigEndian.PutUint32(b[20:], 100000)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	_, err = Process(b)
	wantKey(t, err, "photo.too_many_pixels")
	// A truncated JPEG.
	buf.Reset()
	jpeg.Encode(&buf, testImage(20, 20), nil)
	_, err = Process(buf.Bytes()[:buf.Len()/2])
	wantKey(t, err, "photo.broken")
	if Format([]byte(strings.Repeat("x", 20))) != "" {
		t.Fatal("text sniffed as image")
	}
}
