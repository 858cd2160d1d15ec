package rules

import "time"

// 红色驿站 (red stations): the numbers behind the public finder and the
// feedback form. None comes from a regulation; each is local practice and
// marked as such.
const (
	// WalkMetresPerMinute is an unhurried adult walking speed, 4.5 km/h
	// (the usual planning figure for 15-minute community life circles,
	// 《城市居住区规划设计标准》GB 50180-2018 uses 5-, 10- and 15-minute
	// walking radii of 300, 500 and 800–1000 m).
	WalkMetresPerMinute = 75.0
	// WalkDetour turns a straight line into a street route (local practice:
	// village lanes are rarely straight).
	WalkDetour = 1.3
	// StationsNearDefault and StationsNearMax bound the nearest-stations list.
	StationsNearDefault = 10
	StationsNearMax     = 50
	// StationsNearRadiusKm is how far the finder looks before giving up.
	StationsNearRadiusKm = 50.0
)

// Feedback from the public page (local practice): a visitor may rate a
// station once per FeedbackStationWindow from one address, and send at
// most FeedbackAddressMax ratings per FeedbackAddressWindow in all.
var (
	FeedbackStationWindow = 24 * time.Hour
	FeedbackAddressMax    = 10
	FeedbackAddressWindow = time.Hour
	FeedbackCommentMax    = 200 // characters
)

// LoanUndoWindow and VisitUndoWindow: how long a station keeper may take
// back a tap on a counter (local practice: a mis-tap is noticed at once).
const VisitUndoWindow = 10 * time.Minute
