package region

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

type peekReader struct{ *bufio.Reader }

func newPeekReader(r io.Reader) peekReader {
	return peekReader{bufio.NewReaderSize(r, 64<<10)}
}

// peekLine drops a UTF-8 byte-order mark and returns the first line without
// consuming it.
func (p peekReader) peekLine() (string, error) {
	if bom, _ := p.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		if _, err := p.Discard(3); err != nil {
			return "", err
		}
	}
	buf, err := p.Peek(4096)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return "", err
	}
	if i := bytes.IndexByte(buf, '\n'); i >= 0 {
		buf = buf[:i]
	}
	return string(buf), nil
}
