package drivers_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/netrun/netrun/drivers"
)

func TestTranscriptMasksSecretsSplitAcrossReads(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	tr := drivers.NewTranscript(&b, []string{"S3cretPw"})
	tr.Received([]byte("r1#show run | i snmp\r\nsnmp-server community S3cr"))
	tr.Received([]byte("etPw RO\r\nr1#"))
	tr.Sent([]byte("enable\n"))
	tr.Received([]byte("Password: "))
	tr.Sent([]byte("S3cretPw\n"))
	tr.Received([]byte("\r\nr1#"))
	tr.Flush()
	got := b.String()
	if strings.Contains(got, "S3cretPw") {
		t.Fatalf("transcript leaks the secret:\n%s", got)
	}
	for _, want := range []string{"snmp-server community ****** RO", ">>> enable\n", ">>> ******\n", "r1#"} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q:\n%s", want, got)
		}
	}
	if !strings.HasSuffix(got, "r1#") {
		t.Errorf("the last prompt was not flushed:\n%q", got)
	}
}
