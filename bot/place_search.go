package bot

// The sizes of the lists the engine shows. A kecamatan has 10 villages at
// the median and 19 at the 90th percentile (Kepmendagri 2022), so most are
// listed whole; a name that more villages share asks for the area instead.
const (
	// MaxMatches is the longest list of villages found by name.
	MaxMatches = 5
	// MaxListed is the longest list of one kecamatan's villages.
	MaxListed = 20
)

// PlaceSearch is what the caller found for a PlaceQuery.
type PlaceSearch struct {
	// Places are the villages found, best first: at most MaxMatches for a
	// name, at most MaxListed+1 for a kecamatan.
	Places []Place
	// Total is how many villages fit as well as the best (a name; 1 when
	// the first is clearly the one), or how many the kecamatan has (In
	// set).
	Total int
	// In is the kecamatan whose villages Places are, when the query named
	// one (its Village is empty).
	In *Place
	// Districts are the kecamatan a "kecamatan NAME" query fits when it
	// fits more than one, best first (at most MaxMatches); DistrictsTotal
	// counts them all.
	Districts      []Place
	DistrictsTotal int
}
