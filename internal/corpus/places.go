package corpus

import "strings"

// Administrative suffixes, longest first so 自治区 wins over 区.
var placeSuffixes = []string{"特别行政区", "自治区", "自治州", "自治县", "省", "市", "县", "区", "州", "盟", "旗"}

// Places returns the place names in a report's issuing unit, each with and without its
// suffix: 陕西省延安市公安局 → 陕西省 陕西 延安市 延安. A question naming one of them is
// about that report.
func (r *Report) Places() []string {
	return placesIn(r.Org)
}

func placesIn(org string) []string {
	var out []string
	rest := []rune(org)
	for len(rest) > 2 {
		cut, suf := -1, ""
		for i := 2; i < len(rest) && cut < 0; i++ {
			for _, s := range placeSuffixes {
				if strings.HasPrefix(string(rest[i:]), s) {
					cut, suf = i, s
					break
				}
			}
		}
		if cut < 0 {
			break
		}
		name := string(rest[:cut])
		out = append(out, name+suf, name)
		rest = rest[cut+len([]rune(suf)):]
	}
	return out
}
