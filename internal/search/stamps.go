package search

// stamps marks ordinals for one search at a time without clearing between searches: an
// ordinal is marked when its slot bears the current search's stamp.
type stamps struct {
	gen []uint32
	cur uint32
}

// start begins a search's marks over n ordinals.
func (s *stamps) start(n int) {
	if len(s.gen) < n {
		s.gen, s.cur = make([]uint32, n), 0
	}
	s.cur++
	if s.cur == 0 { // wrapped: old stamps could pass for new ones
		clear(s.gen)
		s.cur = 1
	}
}

func (s *stamps) stamp(ord uint32)    { s.gen[ord] = s.cur }
func (s *stamps) has(ord uint32) bool { return s.gen[ord] == s.cur }

// stamped holds a score for each ordinal of a level, densely: a candidate's scores are looked
// up several times each, and a map was a tenth of ranking them.
type stamped struct {
	stamps
	val []float64
}

func (s *stamped) start(n int) {
	s.stamps.start(n)
	if len(s.val) < n {
		s.val = make([]float64, n)
	}
}

func (s *stamped) set(ord uint32, v float64) {
	s.val[ord] = v
	s.stamp(ord)
}

func (s *stamped) get(ord uint32) float64 {
	if !s.has(ord) {
		return 0
	}
	return s.val[ord]
}
