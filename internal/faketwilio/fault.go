package faketwilio

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Fault is a failure to inject: {Status: 500}, {Status: 429, Code: 20429},
// {Status: 400, Code: 21211}, {Status: 400, Code: 21610}, or
// {Delay: 3 * time.Second} for a slow answer that a client times out on.
type Fault struct {
	// Status is the HTTP status to answer; 0 with a Code means 400.
	Status int
	// Code is the Twilio error code in the JSON body; 0 means 20000+Status
	// (20429, 20500, …), Twilio's codes for plain HTTP failures.
	Code int
	// Delay is waited before answering. A fault with only a Delay then
	// accepts the message, unless the client gave up first.
	Delay time.Duration
	// Body, if set, is answered verbatim as text/html instead of Twilio's
	// JSON error, as a proxy in front of Twilio would.
	Body string
}

// Fail queues faults for the next requests, one each, in order; a request
// with no queued fault is served normally. Queued faults come before FailTo.
func (s *Server) Fail(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

// FailTo answers every request for the number to with f, as Twilio does for
// a number it will never deliver to; a zero Fault clears it.
func (s *Server) FailTo(to string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f == (Fault{}) {
		delete(s.faultTo, to)
		return
	}
	s.faultTo[to] = f
}

// nextFault takes the first queued fault, else the one for to, if any.
func (s *Server) nextFault(to string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) > 0 {
		f := s.faults[0]
		s.faults = s.faults[1:]
		return f, true
	}
	f, ok := s.faultTo[to]
	return f, ok
}

// answer writes the fault's error and reports true, or reports false when
// the fault is only a delay and the message should be accepted.
func (f Fault) answer(w http.ResponseWriter, m Sent) bool {
	if f.Status == 0 && f.Code == 0 && f.Body == "" {
		return false
	}
	status := f.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	if f.Body != "" {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(f.Body))
		return true
	}
	code := f.Code
	if code == 0 {
		code = 20000 + status
	}
	writeError(w, status, code, errorMessage(code, status, m))
	return true
}

// errorMessage is what Twilio says for the codes tests inject; like Twilio,
// some of them quote the numbers.
func errorMessage(code, status int, m Sent) string {
	switch code {
	case 21211:
		return "The 'To' number " + m.To + " is not a valid phone number."
	case 21408:
		return "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: " + m.To + "."
	case 21606:
		return "The 'From' phone number provided (" + m.From + ") is not a valid message-capable Twilio phone number for this destination."
	case 21610:
		return "Attempt to send to unsubscribed recipient"
	case 21612:
		return "The 'To' phone number: " + m.To + ", is not currently reachable using the 'From' phone number: " + m.From + " via SMS."
	case 21614:
		return "'To' number " + m.To + " is not a valid mobile number"
	case 20429:
		return "Too Many Requests"
	case 20500:
		return "An internal server error has occurred"
	case 20503:
		return "Service is unavailable. Please try again"
	}
	if text := http.StatusText(status); text != "" {
		return text
	}
	return "Error " + strconv.Itoa(code)
}

// apiError is Twilio's JSON error body.
type apiError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

func writeError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(&apiError{
		Code:     code,
		Message:  msg,
		MoreInfo: "https://www.twilio.com/docs/errors/" + strconv.Itoa(code),
		Status:   status,
	})
}
