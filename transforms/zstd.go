package transforms

import (
	"sync"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/klauspost/compress/zstd"
)

// pageZstdWindow is the window of the zstd encoders that compress pages
// up to this size. arrow-go's encoders have the default 8 MiB window,
// and each keeps 16 MiB of history buffer whatever the page size. Pages
// of the fact files are about 1 MiB, the default data page size.
const pageZstdWindow = 2 << 20

// pageZstdCodec is arrow-go's zstd codec with one change: pages of at
// most pageZstdWindow bytes at the default level are compressed by
// encoders with a pageZstdWindow window and arrow-go's other options.
// For such pages, klauspost/compress v1.20 writes the same frame as with
// the 8 MiB window: a single-segment frame, or for pages up to 1 KiB, a
// window descriptor derived from the page size, and no match can reach
// further back than the page itself. TestPageZstdMatchesArrowCodec
// compares the two byte for byte.
type pageZstdCodec struct {
	compress.Codec // arrow-go's codec, for decoding and other levels
	encoders       sync.Pool
}

func (c *pageZstdCodec) Encode(dst, src []byte) []byte {
	return c.EncodeLevel(dst, src, compress.DefaultCompressionLevel)
}

func (c *pageZstdCodec) EncodeLevel(dst, src []byte, level int) []byte {
	if level != compress.DefaultCompressionLevel || len(src) > pageZstdWindow {
		return c.Codec.EncodeLevel(dst, src, level)
	}
	enc := c.encoders.Get().(*zstd.Encoder)
	defer c.encoders.Put(enc)
	return enc.EncodeAll(src, dst[:0])
}

// newPageZstdEncoder returns an encoder with the options of arrow-go
// v18.9's zstd codec at the default level, a pageZstdWindow window and
// klauspost's lower-memory buffers, which change no output byte.
func newPageZstdEncoder() any {
	enc, err := zstd.NewWriter(nil, zstd.WithZeroFrames(true), zstd.WithEncoderLevel(zstd.SpeedDefault),
		zstd.WithEncoderConcurrency(1), zstd.WithAllLitEntropyCompression(true),
		zstd.WithWindowSize(pageZstdWindow), zstd.WithLowerEncoderMem(true))
	if err != nil {
		panic("zstd page encoder: " + err.Error())
	}
	return enc
}

// init replaces arrow-go's zstd codec in its process-wide registry, which
// compress.RegisterCodec offers for this, before any file is written.
func init() {
	arrowCodec, err := compress.GetCodec(compress.Codecs.Zstd)
	if err != nil {
		return
	}
	c := &pageZstdCodec{Codec: arrowCodec}
	c.encoders.New = newPageZstdEncoder
	compress.RegisterCodec(compress.Codecs.Zstd, c)
}
