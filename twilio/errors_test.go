package twilio

import "testing"

func TestMaskNumbers(t *testing.T) {
	tests := []struct{ in, want string }{
		{"The 'To' number +6281234567890 is not a valid phone number.", "The 'To' number +**********890 is not a valid phone number."},
		{"The 'To' phone number: 6281234567890, is not currently reachable using the 'From' phone number: +15005550006 via SMS.",
			"The 'To' phone number: **********890, is not currently reachable using the 'From' phone number: +********006 via SMS."},
		{"Attempt to send to unsubscribed recipient", "Attempt to send to unsubscribed recipient"},
		{"error 21211 on port 8080", "error 21211 on port 8080"},
		{"123456", "***456"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := maskNumbers(tt.in); got != tt.want {
			t.Errorf("maskNumbers(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
