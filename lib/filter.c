// SPDX-License-Identifier: GPL-2.0-or-later
/* Parsing of the user's filters: CPU lists and times in seconds. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pmtrace/trace.h"

struct pmt_err *pmt_filter_parse_cpus(struct pmt_filter *filter, const char *list)
{
	const char *p = list;

	memset(filter->cpu_mask, 0, sizeof(filter->cpu_mask));
	while (*p) {
		char *end;
		unsigned long lo, hi;

		errno = 0;
		lo = strtoul(p, &end, 10);
		if (end == p || errno)
			goto bad;
		hi = lo;
		if (*end == '-') {
			p = end + 1;
			hi = strtoul(p, &end, 10);
			if (end == p || errno)
				goto bad;
		}
		if (lo > hi || hi >= 512)
			goto bad;
		for (unsigned long c = lo; c <= hi; c++)
			filter->cpu_mask[c / 64] |= 1ULL << (c % 64);
		p = end;
		if (*p == ',')
			p++;
		else if (*p)
			goto bad;
	}
	return NULL;
bad:
	return pmt_err_new(PMT_ERR_INVALID, "bad CPU list '%s' (want e.g. 0,2-3; CPUs below 512)",
			   list);
}

struct pmt_err *pmt_parse_seconds(const char *s, uint64_t *ns)
{
	uint64_t secs = 0, frac = 0, scale = 1000000000ULL;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		goto bad;
	while (isdigit((unsigned char)*p)) {
		if (secs > UINT64_MAX / 10 / 1000000000ULL)
			goto bad;
		secs = secs * 10 + (uint64_t)(*p++ - '0');
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*p - '0') * scale;
			}
			p++;
		}
	}
	if (*p)
		goto bad;
	*ns = secs * 1000000000ULL + frac;
	return NULL;
bad:
	return pmt_err_new(PMT_ERR_INVALID, "bad time '%s' (want seconds, e.g. 1234.567890)", s);
}

struct pmt_err *pmt_parse_duration(const char *s, uint64_t *ns)
{
	static const struct {
		const char *suffix;
		uint64_t ns;
	} units[] = { { "ns", 1 },
		      { "us", 1000 },
		      { "ms", 1000000 },
		      { "s", 1000000000ULL },
		      { "m", 60000000000ULL } };
	size_t digits = strspn(s, "0123456789.");
	char num[64];
	uint64_t v;

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		struct pmt_err *err;

		if (strcmp(s + digits, units[i].suffix) || !digits || digits >= sizeof(num))
			continue;
		memcpy(num, s, digits);
		num[digits] = '\0';
		err = pmt_parse_seconds(num, &v); /* v = the number times 1e9 */
		if (err) {
			pmt_err_free(err);
			break;
		}
		/* v / 1e9 units: keep the fraction for sub-second units */
		if (units[i].ns >= 1000000000ULL) {
			if (v > UINT64_MAX / (units[i].ns / 1000000000ULL))
				break;
			*ns = v * (units[i].ns / 1000000000ULL);
		} else {
			*ns = v / (1000000000ULL / units[i].ns);
		}
		return NULL;
	}
	return pmt_err_new(
		PMT_ERR_INVALID,
		"bad duration '%s' (want a number and a unit: ns, us, ms, s, m; e.g. 500ms)", s);
}
