package dispatch_test

import (
	"strings"
	"testing"

	"github.com/pamong-desa/pamong/dispatch"
)

func TestRefs(t *testing.T) {
	const key = "s3cret-0123456789abcdef"
	good := dispatch.SignRef(key, "kannel", dispatch.Ref{ID: 42, Attempt: 3})
	if strings.ContainsAny(good, "%&=?+/ ") {
		t.Fatalf("reference %q is not safe in a Kannel dlr-url", good)
	}
	if r, ok := dispatch.ParseRef(key, "kannel", good); !ok || r != (dispatch.Ref{ID: 42, Attempt: 3}) {
		t.Fatalf("round trip: %+v %v", r, ok)
	}
	mac := good[strings.LastIndexByte(good, '.')+1:]
	for _, tt := range []struct{ name, key, provider, ref string }{
		{"bare id", key, "kannel", "42"},
		{"id and attempt without a signature", key, "kannel", "42.3"},
		{"another id with the same signature", key, "kannel", "43.3." + mac},
		{"another attempt with the same signature", key, "kannel", "42.4." + mac},
		{"truncated signature", key, "kannel", good[:len(good)-2]},
		{"signature of another provider", key, "twilio", good},
		{"another key", key + "x", "kannel", good},
		{"empty key", "", "kannel", dispatch.SignRef("", "kannel", dispatch.Ref{ID: 42, Attempt: 3})},
		{"not a number", key, "kannel", dispatch.SignRef(key, "kannel", dispatch.Ref{ID: -1, Attempt: 3})},
		{"attempt zero", key, "kannel", dispatch.SignRef(key, "kannel", dispatch.Ref{ID: 42})},
		{"empty", key, "kannel", ""},
		{"only dots", key, "kannel", ".."},
	} {
		if r, ok := dispatch.ParseRef(tt.key, tt.provider, tt.ref); ok {
			t.Errorf("%s: %q accepted as %+v", tt.name, tt.ref, r)
		}
	}
}
