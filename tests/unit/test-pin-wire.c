// SPDX-License-Identifier: GPL-2.0-only
/*
 * The checks of the guest's pin replies (mm-host/pin-wire.c), rule by
 * rule: VMRPC_PIN_STATUS (length, reason, enabled, reserved, counts
 * bounded by each other and the data area) and VMRPC_PIN_HOLDERS (length
 * exactly the holders it counts, known flags, a truncated reply's
 * next_first, every holder inside the range asked, in order, with 1 to
 * the most pages a subblock holds; command names made printable).
 */
#include <endian.h>
#include <string.h>

#include "pin-wire.h"
#include "../lib/tap.h"

#define NR_SB		64
#define MAX_PAGES	512

static struct vmrpc_pin_status good_status(void)
{
	return (struct vmrpc_pin_status){
		.mlocked_pages = htole64(9000), .wanted = htole64(10),
		.pinned = htole64(7), .short_sb = htole64(3),
		.updates = htole64(4), .refused = htole64(1),
		.reason = htole32(VMRPC_PIN_R_RLIMIT), .enabled = htole32(1),
	};
}

static void test_status(void)
{
	struct vmrpc_pin_status s = good_status();
	struct zh_pin_guest_status st;
	bool ok = true;

	tap_ok(!zh_pin_status_parse(&s, sizeof(s), NR_SB, &st) &&
	       st.mlocked_pages == 9000 && st.wanted == 10 && st.pinned == 7 &&
	       st.short_sb == 3 && st.reason == VMRPC_PIN_R_RLIMIT && st.enabled,
	       "a good status is read field by field");
#define BAD(what, field, value)	do {					\
		s = good_status();					\
		s.field = (value);					\
		if (!zh_pin_status_parse(&s, sizeof(s), NR_SB, &st)) {	\
			tap_diag("accepted: %s", what);			\
			ok = false;					\
		}							\
	} while (0)
	BAD("reason 6", reason, htole32(6));
	BAD("enabled 2", enabled, htole32(2));
	BAD("reserved", reserved[0], htole64(1));
	BAD("wanted beyond the data area", wanted, htole64(NR_SB + 1));
	BAD("pinned beyond wanted", pinned, htole64(11));
	BAD("short beyond wanted", short_sb, htole64(11));
#undef BAD
	s = good_status();
	tap_ok(ok && zh_pin_status_parse(&s, sizeof(s) - 1, NR_SB, &st) &&
	       zh_pin_status_parse(&s, 0, NR_SB, &st),
	       "unknown reason, bad enabled, reserved, counts out of bounds, short replies: refused");
}

/* A holders reply of @n holders at @sbs; returns its length. */
static uint32_t holders(uint8_t *buf, uint32_t flags, uint64_t next,
			const uint64_t *sbs, const uint32_t *pages, uint32_t n)
{
	struct vmrpc_pin_holders h = {
		.nr = htole32(n), .flags = htole32(flags), .next_first = htole64(next),
	};

	memcpy(buf, &h, sizeof(h));
	for (uint32_t i = 0; i < n; i++) {
		struct vmrpc_pin_holder o = {
			.subblock = htole64(sbs[i]), .pid = htole32(100 + i),
			.pages = htole32(pages[i]),
		};

		/* 16 bytes, no NUL: the name fills the field. */
		memcpy(o.comm, i ? "\x01\xffname-16-bytes!!" : "init", i ? 16 : 4);
		memcpy(buf + 16 + 32 * i, &o, sizeof(o));
	}
	return 16 + 32 * n;
}

static void test_holders(void)
{
	uint8_t buf[16 + 32 * 4];
	struct zh_pin_holders_reply hdr;
	struct zh_pin_holder out[4];
	uint64_t sbs[4] = { 10, 10, 12, 13 };
	uint32_t pages[4] = { 1, 512, 7, 2 };
	uint32_t len;

	len = holders(buf, 0, 0, sbs, pages, 4);
	tap_ok(!zh_pin_holders_parse(buf, len, 10, 4, MAX_PAGES, &hdr, out) &&
	       hdr.nr == 4 && !hdr.truncated && out[1].subblock == 10 &&
	       out[3].pid == 103 && out[1].pages == 512 &&
	       !strcmp(out[0].comm, "init") && !strcmp(out[1].comm, "??name-16-bytes!"),
	       "a good reply: 4 holders, a 16-byte name without NUL kept whole, made printable");
	tap_ok(zh_pin_holders_parse(buf, len - 1, 10, 4, MAX_PAGES, &hdr, out) &&
	       zh_pin_holders_parse(buf, len + 32, 10, 4, MAX_PAGES, &hdr, out) &&
	       zh_pin_holders_parse(buf, 8, 10, 4, MAX_PAGES, &hdr, out),
	       "a length that is not 16 + 32 * nr is refused");
	tap_ok(zh_pin_holders_parse(buf, len, 11, 3, MAX_PAGES, &hdr, out) &&
	       zh_pin_holders_parse(buf, len, 10, 3, MAX_PAGES, &hdr, out),
	       "a holder before or after the range asked about is refused");
	sbs[1] = 9;
	len = holders(buf, 0, 0, sbs, pages, 4);
	tap_ok(zh_pin_holders_parse(buf, len, 9, 6, MAX_PAGES, &hdr, out),
	       "holders out of order are refused");
	sbs[1] = 10;
	pages[2] = 0;
	len = holders(buf, 0, 0, sbs, pages, 4);
	tap_ok(zh_pin_holders_parse(buf, len, 10, 4, MAX_PAGES, &hdr, out),
	       "a holder of 0 pages is refused");
	pages[2] = MAX_PAGES + 1;
	len = holders(buf, 0, 0, sbs, pages, 4);
	tap_ok(zh_pin_holders_parse(buf, len, 10, 4, MAX_PAGES, &hdr, out),
	       "a holder of more pages than a subblock holds is refused");
	pages[2] = 7;
	len = holders(buf, 2, 0, sbs, pages, 4);
	tap_ok(zh_pin_holders_parse(buf, len, 10, 4, MAX_PAGES, &hdr, out),
	       "an unknown flag is refused");
	len = holders(buf, VMRPC_PIN_HOLDERS_F_TRUNCATED, 13, sbs, pages, 4);
	tap_ok(!zh_pin_holders_parse(buf, len, 10, 8, MAX_PAGES, &hdr, out) &&
	       hdr.truncated && hdr.next_first == 13,
	       "a truncated reply names where to go on");
	len = holders(buf, VMRPC_PIN_HOLDERS_F_TRUNCATED, 12, sbs, pages, 4);
	tap_ok(zh_pin_holders_parse(buf, len, 10, 8, MAX_PAGES, &hdr, out),
	       "a truncated reply with a holder after next_first is refused");
	len = holders(buf, VMRPC_PIN_HOLDERS_F_TRUNCATED, 18, sbs, pages, 4);
	tap_ok(zh_pin_holders_parse(buf, len, 10, 8, MAX_PAGES, &hdr, out) &&
	       zh_pin_holders_parse(buf, holders(buf, VMRPC_PIN_HOLDERS_F_TRUNCATED,
						 9, sbs, pages, 0),
				    10, 8, MAX_PAGES, &hdr, out),
	       "a truncated reply's next_first outside the range is refused");
	tap_ok(!strcmp(zh_pin_reason_name(VMRPC_PIN_R_CEILING), "ceiling") &&
	       !strcmp(zh_pin_reason_name(VMRPC_PIN_R_NONE), "pinned") &&
	       !strcmp(zh_pin_reason_name(77), "unknown"),
	       "reason names come from VMRPC_PIN_REASON_NAMES");
}

int main(void)
{
	tap_plan(13);
	test_status();
	test_holders();
	return tap_done();
}
