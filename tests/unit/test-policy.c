// SPDX-License-Identifier: GPL-2.0-only
/*
 * The automatic sizing policy (mm-host/policy.c), a pure function fed
 * with made-up samples: the target formula, growing at once, shrinking
 * only after K new windows below and by a bounded step, clamping to
 * [min, max], ignoring samples that are not VALID, holding off after the
 * guest asked for memory, and no oscillation on a constant working set
 * measured with noise within its error bound.
 */
#include <stdint.h>
#include <string.h>

#include "../lib/tap.h"
#include "policy.h"

#define MIB		(1ULL << 20)
#define SEC		1000000000LL

static struct zhostd_policy_params p;
static struct zhostd_policy_state st;
static struct zhostd_wss_report rep;
static uint64_t requested;
static int64_t now_ns = 1000 * SEC, last_ask_ns;

/* A 2 GiB guest with a 512 MiB ZONE_HOST: 1536 MiB outside it. */
static void setup(void)
{
	zhostd_policy_defaults(&p, 2 * MIB, 2048 * MIB);
	memset(&st, 0, sizeof(st));
	memset(&rep, 0, sizeof(rep));
	rep.window_ms = 10000;
	rep.stride = 32;
	rep.flags = VMRPC_WSS_F_ENABLED | VMRPC_WSS_F_VALID;
	rep.region[VMRPC_WSS_REGION_GUEST].size = 2048 * MIB;
	rep.region[VMRPC_WSS_REGION_HOST].size = 512 * MIB;
	requested = 0;
	last_ask_ns = 0;
}

/*
 * One sample of a new window with working set @wss and error @err; the
 * decision is applied to the requested size as zhostd would.
 */
static struct zhostd_policy_decision sample(uint64_t wss, uint64_t err)
{
	struct zhostd_policy_input in = {
		.report = &rep, .requested = requested,
		.now_ns = now_ns, .last_ask_ns = last_ask_ns,
	};
	struct zhostd_policy_decision d;

	rep.windows++;
	now_ns += 10 * SEC;
	rep.region[VMRPC_WSS_REGION_GUEST].wss = wss;
	rep.region[VMRPC_WSS_REGION_GUEST].wss_error = err;
	zhostd_policy_decide(&p, &st, &in, &d);
	requested = d.to;
	return d;
}

static void test_target(void)
{
	bool over;

	setup();
	rep.region[VMRPC_WSS_REGION_GUEST].wss = 1800 * MIB;
	rep.region[VMRPC_WSS_REGION_GUEST].wss_error = 10 * MIB;
	tap_ok(zhostd_policy_target(&p, &rep, &over) == 402 * MIB && !over,
	       "target: 1800M + 10M error + 128M headroom - 1536M outside = 402M");
	rep.region[VMRPC_WSS_REGION_GUEST].wss = 1800 * MIB + 1;
	tap_ok(zhostd_policy_target(&p, &rep, NULL) == 404 * MIB,
	       "target: rounded up to whole subblocks");
	p.headroom_percent = 10;
	rep.region[VMRPC_WSS_REGION_GUEST].wss = 1800 * MIB;
	tap_ok(zhostd_policy_target(&p, &rep, NULL) == 582 * MIB,
	       "target: --headroom-percent 10 adds 180M");
	p.headroom_percent = 0;
	rep.region[VMRPC_WSS_REGION_GUEST].wss = 100 * MIB;
	tap_ok(zhostd_policy_target(&p, &rep, NULL) == 0,
	       "target: a working set the guest's own RAM covers needs nothing");
	rep.region[VMRPC_WSS_REGION_GUEST].size = UINT64_MAX;
	rep.region[VMRPC_WSS_REGION_GUEST].wss = UINT64_MAX - 10;
	rep.region[VMRPC_WSS_REGION_GUEST].wss_error = 1000;
	rep.region[VMRPC_WSS_REGION_HOST].size = UINT64_MAX - 1024 * MIB;
	tap_ok(zhostd_policy_target(&p, &rep, &over) == 2048 * MIB && over,
	       "target: sums near 2^64 saturate and clamp to max");
}

static void test_grow(void)
{
	struct zhostd_policy_decision d;

	setup();
	d = sample(1800 * MIB, 10 * MIB);
	tap_ok(d.action == ZHOSTD_POLICY_GROW && d.from == 0 && d.to == 402 * MIB &&
	       d.target == 402 * MIB && d.wss == 1800 * MIB && d.emit &&
	       d.reason == ZHOSTD_POLICY_R_ABOVE,
	       "grows at once to the target on the first sample");
	d = sample(1800 * MIB + 2 * MIB, 10 * MIB);
	tap_ok(d.action == ZHOSTD_POLICY_HOLD && d.reason == ZHOSTD_POLICY_R_STEADY &&
	       requested == 402 * MIB,
	       "a target one subblock above requested: hold");
	d = sample(2300 * MIB, 10 * MIB);
	tap_ok(d.action == ZHOSTD_POLICY_GROW && d.to == 902 * MIB,
	       "a jump of the working set: grows at once, all the way");
	d = sample(2300 * MIB, 10 * MIB);
	tap_ok(d.action == ZHOSTD_POLICY_HOLD && d.emit &&
	       d.reason == ZHOSTD_POLICY_R_STEADY,
	       "then steady: a hold, sent because the reason changed");
	d = sample(2300 * MIB, 10 * MIB);
	tap_ok(d.action == ZHOSTD_POLICY_HOLD && !d.emit,
	       "the same hold again is not sent");
}

static void test_shrink(void)
{
	struct zhostd_policy_decision d;
	int pending = 0, emitted = 0;

	setup();
	requested = 1024 * MIB;		/* target 402M: 622M below */
	for (int i = 0; i < 5; i++) {
		d = sample(1800 * MIB, 10 * MIB);
		pending += d.action == ZHOSTD_POLICY_HOLD &&
			   d.reason == ZHOSTD_POLICY_R_PENDING && d.below == (unsigned)i + 1;
		emitted += d.emit;
	}
	tap_ok(pending == 5 && emitted == 1 && requested == 1024 * MIB,
	       "5 windows below: pending, sent once, nothing shrunk");
	d = sample(1800 * MIB, 10 * MIB);
	tap_ok(d.action == ZHOSTD_POLICY_SHRINK && d.from == 1024 * MIB &&
	       d.to == 870 * MIB && d.reason == ZHOSTD_POLICY_R_BELOW && d.emit &&
	       d.below == 0,
	       "the 6th: shrinks by a quarter of 622M, rounded down (154M), to 870M");
	for (int i = 0; i < 5; i++)
		d = sample(1800 * MIB, 10 * MIB);
	tap_ok(d.action == ZHOSTD_POLICY_HOLD && requested == 870 * MIB,
	       "the next shrink needs 6 more windows");
	d = sample(1800 * MIB, 10 * MIB);
	tap_ok(d.action == ZHOSTD_POLICY_SHRINK && d.to == 870 * MIB - 116 * MIB,
	       "... and takes a quarter of what is left (116M)");

	/* A window seen twice is not new evidence. */
	setup();
	requested = 1024 * MIB;
	for (int i = 0; i < 20; i++) {
		struct zhostd_policy_input in = {
			.report = &rep, .requested = requested, .now_ns = now_ns,
		};

		rep.windows = 5;
		rep.region[VMRPC_WSS_REGION_GUEST].wss = 1800 * MIB;
		zhostd_policy_decide(&p, &st, &in, &d);
		requested = d.to;
	}
	tap_ok(requested == 1024 * MIB && d.below == 1,
	       "20 polls of the same window count as one");

	/* The step is bounded by --shrink-step, and never below a subblock. */
	setup();
	requested = 2048 * MIB;
	for (int i = 0; i < 6; i++)
		d = sample(100 * MIB, 1 * MIB);
	tap_ok(d.action == ZHOSTD_POLICY_SHRINK && d.to == 1792 * MIB,
	       "2048M -> target 0: a quarter would be 512M, --shrink-step caps it at 256M");
	setup();
	p.hysteresis = 0;
	requested = 6 * MIB;
	for (int i = 0; i < 6; i++)
		d = sample(100 * MIB, 0);
	tap_ok(d.action == ZHOSTD_POLICY_SHRINK && d.to == 4 * MIB,
	       "6M -> 0: a quarter is less than a subblock; one subblock goes");
	setup();
	requested = 400 * MIB;
	for (int i = 0; i < 50; i++)
		d = sample(1800 * MIB - 80 * MIB, 10 * MIB);
	tap_ok(requested == 400 * MIB && d.reason == ZHOSTD_POLICY_R_STEADY,
	       "a target 80M below, within the 64M + 2 x 10M margin: never shrinks");
}

static void test_clamp(void)
{
	struct zhostd_policy_decision d;
	bool below_min = false;

	setup();
	p.max = 1024 * MIB;
	d = sample(8000 * MIB, 10 * MIB);
	tap_ok(d.action == ZHOSTD_POLICY_GROW && d.to == 1024 * MIB,
	       "a working set beyond max: grows to max only");
	d = sample(8000 * MIB, 10 * MIB);
	tap_ok(d.action == ZHOSTD_POLICY_HOLD && d.reason == ZHOSTD_POLICY_R_AT_MAX &&
	       d.emit, "then holds at max, saying so");

	setup();
	p.min = 512 * MIB;
	d = sample(10 * MIB, 1 * MIB);
	tap_ok(d.action == ZHOSTD_POLICY_GROW && d.to == 512 * MIB &&
	       d.reason == ZHOSTD_POLICY_R_MIN,
	       "requested below --min: grows to min");
	requested = 1024 * MIB;
	for (int i = 0; i < 200; i++) {
		d = sample(10 * MIB, 1 * MIB);
		below_min |= requested < 512 * MIB;
	}
	tap_ok(!below_min && requested < 512 * MIB + p.hysteresis + 2 * MIB,
	       "shrinking from 1G with a tiny working set ends within the margin above min (%llu MiB)",
	       (unsigned long long)(requested >> 20));
}

static void test_invalid(void)
{
	struct zhostd_policy_decision d;

	setup();
	rep.flags = VMRPC_WSS_F_ENABLED;
	d = sample(8000 * MIB, 10 * MIB);
	tap_ok(d.action == ZHOSTD_POLICY_HOLD && d.to == 0 && d.emit &&
	       d.reason == ZHOSTD_POLICY_R_INVALID,
	       "not VALID: no grow, whatever it says");
	rep.flags = VMRPC_WSS_F_VALID;
	d = sample(8000 * MIB, 10 * MIB);
	tap_ok(d.action == ZHOSTD_POLICY_HOLD && d.reason == ZHOSTD_POLICY_R_INVALID,
	       "VALID but not ENABLED (a stopped estimator): no action");

	setup();
	requested = 1024 * MIB;
	for (int i = 0; i < 5; i++)
		sample(1800 * MIB, 10 * MIB);
	rep.flags = 0;
	sample(1800 * MIB, 10 * MIB);
	rep.flags = VMRPC_WSS_F_ENABLED | VMRPC_WSS_F_VALID;
	for (int i = 0; i < 5; i++)
		d = sample(1800 * MIB, 10 * MIB);
	tap_ok(requested == 1024 * MIB && d.below == 5,
	       "an invalid sample breaks a run of windows below");
	d = sample(1800 * MIB, 10 * MIB);
	tap_ok(d.action == ZHOSTD_POLICY_SHRINK, "6 valid ones in a row then shrink");
}

static void test_asked(void)
{
	struct zhostd_policy_decision d;
	int shrinks = 0;

	setup();
	requested = 1024 * MIB;
	last_ask_ns = now_ns;
	for (int i = 0; i < 5; i++)	/* 50 s, within the 60 s hold-off */
		shrinks += sample(1800 * MIB, 10 * MIB).action == ZHOSTD_POLICY_SHRINK;
	d = sample(1800 * MIB, 10 * MIB);
	tap_ok(!shrinks && d.reason == ZHOSTD_POLICY_R_ASKED && d.below == 0,
	       "no shrink within --ask-holdoff of the guest asking");
	d = sample(3000 * MIB, 10 * MIB);
	tap_ok(d.action == ZHOSTD_POLICY_GROW,
	       "but growing is not held off");
	requested = 1024 * MIB;
	for (int i = 0; i < 5; i++)
		d = sample(1800 * MIB, 10 * MIB);
	tap_ok(d.action == ZHOSTD_POLICY_HOLD && d.reason == ZHOSTD_POLICY_R_PENDING,
	       "after the hold-off, windows count again from zero");
	d = sample(1800 * MIB, 10 * MIB);
	tap_ok(d.action == ZHOSTD_POLICY_SHRINK, "and the 6th shrinks");
}

/* Uniform noise in [-err, +err], reproducible. */
static uint64_t noisy(uint64_t wss, uint64_t err, uint32_t *seed)
{
	*seed = *seed * 1103515245 + 12345;
	return wss - err + (uint64_t)(*seed >> 8) % (2 * err + 1);
}

static void test_noise(void)
{
	const uint64_t wss = 1900 * MIB, err = 16 * MIB;
	struct zhostd_policy_decision d;
	int actions = 0, emits = 0, grows = 0, shrinks = 0;
	uint32_t seed = 42;

	/* Requested where the top of the noise puts the target. */
	setup();
	rep.region[VMRPC_WSS_REGION_GUEST].wss = wss + err;
	rep.region[VMRPC_WSS_REGION_GUEST].wss_error = err;
	requested = zhostd_policy_target(&p, &rep, NULL);
	for (int i = 0; i < 100; i++) {
		d = sample(noisy(wss, err, &seed), err);
		actions += d.action != ZHOSTD_POLICY_HOLD;
		emits += d.emit;
	}
	tap_ok(actions == 0 && emits == 1,
	       "100 samples of a constant working set with noise within its error: no action, one event");

	/* From nothing: a few grows up to the top of the noise, never a shrink. */
	setup();
	for (int i = 0; i < 100; i++) {
		d = sample(noisy(wss, err, &seed), err);
		grows += d.action == ZHOSTD_POLICY_GROW;
		shrinks += d.action == ZHOSTD_POLICY_SHRINK;
	}
	tap_ok(grows >= 1 && grows <= 10 && !shrinks &&
	       requested <= wss + 2 * err + p.headroom - 1536 * MIB + 2 * MIB,
	       "from 0: %d grows, no shrink, within the noise band", grows);
}

int main(void)
{
	tap_timeout(30, NULL);
	tap_plan(32);
	test_target();
	test_grow();
	test_shrink();
	test_clamp();
	test_invalid();
	test_asked();
	test_noise();
	return tap_done();
}
