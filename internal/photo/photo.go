// Package photo checks and re-encodes uploaded visit photos: only JPEG,
// PNG and WebP are accepted, the size and the decoded pixel count are
// bounded before any pixel is decoded (a decompression bomb fails on its
// header), large photos are reduced, and the result is re-encoded from
// pixels, so no metadata survives (GPS, device, thumbnails). The capture
// time is read from the JPEG's EXIF before that and returned apart.
package photo

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"image/png"
	"time"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"redgrid/internal/model"
	"redgrid/internal/rules"
)

// Result is a processed photo.
type Result struct {
	MIME          string
	Data          []byte
	Width, Height int
	TakenAt       *time.Time
}

// Format sniffs the container from the first bytes: "jpeg", "png", "webp"
// or "".
func Format(b []byte) string {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return "jpeg"
	case len(b) >= 8 && bytes.Equal(b[:8], []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "webp"
	}
	return ""
}

func fail(key string, args ...any) error { return model.Errorf(model.EINVALID, key, args...) }

// Process checks and re-encodes one upload. Errors are EINVALID with the
// keys photo.not_image, photo.too_large, photo.too_many_pixels and
// photo.broken.
func Process(b []byte) (Result, error) {
	if len(b) > rules.PhotoMaxBytes {
		return Result{}, fail("photo.too_large", rules.PhotoMaxBytes>>20)
	}
	kind := Format(b)
	var cfg image.Config
	var err error
	switch kind {
	case "jpeg":
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(b))
	case "png":
		cfg, err = png.DecodeConfig(bytes.NewReader(b))
	case "webp":
		cfg, err = webp.DecodeConfig(bytes.NewReader(b))
	default:
		return Result{}, fail("photo.not_image")
	}
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return Result{}, fail("photo.broken")
	}
	if int64(cfg.Width)*int64(cfg.Height) > rules.PhotoMaxPixels {
		return Result{}, fail("photo.too_many_pixels", rules.PhotoMaxPixels/1_000_000)
	}
	var img image.Image
	switch kind {
	case "jpeg":
		img, err = jpeg.Decode(bytes.NewReader(b))
	case "png":
		img, err = png.Decode(bytes.NewReader(b))
	case "webp":
		img, err = webp.Decode(bytes.NewReader(b))
	}
	if err != nil {
		return Result{}, fail("photo.broken")
	}
	img = shrink(img, rules.PhotoMaxSide)
	var out bytes.Buffer
	res := Result{Width: img.Bounds().Dx(), Height: img.Bounds().Dy()}
	if kind == "png" {
		res.MIME = "image/png"
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&out, img)
	} else {
		res.MIME = "image/jpeg"
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 85})
	}
	if err != nil {
		return Result{}, fail("photo.broken")
	}
	res.Data = out.Bytes()
	if kind == "jpeg" {
		res.TakenAt = exifTime(b)
	}
	return res, nil
}

// shrink scales img so that its long side is at most max.
func shrink(img image.Image, max int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= max && h <= max {
		return img
	}
	if w >= h {
		h, w = h*max/w, max
	} else {
		w, h = w*max/h, max
	}
	dst := image.NewRGBA(image.Rect(0, 0, max1(w), max1(h)))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// exifTime reads DateTimeOriginal (or DateTime) from a JPEG's EXIF
// segment, in the zone's time (EXIF times carry no zone).
func exifTime(b []byte) *time.Time {
	i := 2
	for i+4 <= len(b) && b[i] == 0xFF {
		marker := b[i+1]
		if marker == 0xDA || marker == 0xD9 { // start of scan, end of image
			return nil
		}
		n := int(binary.BigEndian.Uint16(b[i+2 : i+4]))
		if n < 2 || i+2+n > len(b) {
			return nil
		}
		seg := b[i+4 : i+2+n]
		if marker == 0xE1 && len(seg) > 6 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffTime(seg[6:])
		}
		i += 2 + n
	}
	return nil
}

func tiffTime(t []byte) *time.Time {
	if len(t) < 8 {
		return nil
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return nil
	}
	// ifd returns the entries of the IFD at off as tag → (type, count, value offset field).
	type entry struct {
		typ   uint16
		count uint32
		val   []byte
	}
	ifd := func(off uint32) map[uint16]entry {
		if off == 0 || int(off)+2 > len(t) {
			return nil
		}
		n := int(bo.Uint16(t[off:]))
		out := map[uint16]entry{}
		for k := 0; k < n && k < 512; k++ {
			p := int(off) + 2 + 12*k
			if p+12 > len(t) {
				break
			}
			out[bo.Uint16(t[p:])] = entry{bo.Uint16(t[p+2:]), bo.Uint32(t[p+4:]), t[p+8 : p+12]}
		}
		return out
	}
	ascii := func(e entry) string {
		if e.typ != 2 || e.count < 19 || e.count > 64 {
			return ""
		}
		off := bo.Uint32(e.val)
		if int(off)+19 > len(t) {
			return ""
		}
		return string(t[off : off+19])
	}
	ifd0 := ifd(bo.Uint32(t[4:]))
	var s string
	if ptr, ok := ifd0[0x8769]; ok {
		s = ascii(ifd(bo.Uint32(ptr.val))[0x9003])
	}
	if s == "" {
		s = ascii(ifd0[0x0132])
	}
	if s == "" {
		return nil
	}
	at, err := time.ParseInLocation("2006:01:02 15:04:05", s, rules.Location())
	if err != nil || at.Year() < 2000 {
		return nil
	}
	u := at.UTC()
	return &u
}
