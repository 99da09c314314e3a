// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd --help: every option with its default; see options.h.
 */
#include <stdio.h>

#include "control.h"
#include "options.h"
#include "runtime-dir.h"
#include "zhostd.h"

void zhostd_usage(FILE *f)
{
	fprintf(f,
		"Usage: zhostd [OPTIONS]\n"
		"\n"
		"Serve one VM's zonehost device: shared memory, the ivshmem server for\n"
		"QEMU's ivshmem-doorbell, VMRPC calls, and the balloon-ctl control socket.\n"
		"\n"
		"  -n, --name NAME          VM name (default: %s)\n"
		"      --runtime-dir DIR    where NAME/ lives (default: $ZHOST_RUNTIME_DIR,\n"
		"                           else %s for root and\n"
		"                           ${XDG_RUNTIME_DIR:-/tmp}/zonehost for others);\n"
		"                           DIR and DIR/NAME (created 0700) must be yours\n"
		"                           and not writable by others\n"
		"      --socket PATH        ivshmem socket (default: DIR/NAME/ivshmem.sock)\n"
		"      --socket-owner USER[:GROUP]\n"
		"                           give the ivshmem socket to USER (mode 0600), for\n"
		"                           a QEMU run as USER, e.g. libvirt's libvirt-qemu;\n"
		"                           its directory must let USER in (default: yours)\n"
		"      --control PATH       control socket (default: DIR/NAME/zhostd.sock)\n"
		"      --bar-size SIZE      shared memory (BAR2) size, a power of two\n"
		"                           (default: %lluM)\n"
		"      --backing shm|thp|hugetlb[=PATH]\n"
		"                           what backs it: shmem (default), shmem with\n"
		"                           transparent huge pages, or hugetlb (a memfd\n"
		"                           of the default huge page size, or a file on\n"
		"                           the hugetlbfs mounted at PATH)\n"
		"      --slots N            call slots per direction (default: %u)\n"
		"      --slot-size SIZE     bytes per slot (default: %uK)\n"
		"      --workers N          threads serving guest calls (default: %u)\n"
		"      --call-timeout MS    timeout of calls into the guest (default: %u)\n"
		"      --max-clients N      control clients served at once; one more gets\n"
		"                           an error (default: %u, at most %u)\n"
		"      --initial SIZE       host memory the guest gets in ZONE_HOST at\n"
		"                           boot, a multiple of 2M (default: 0)\n"
		"      --max SIZE           the most it may ever get (default: the data\n"
		"                           area, BAR2 minus 128M)\n"
		"      --guest-ask allow|deny\n"
		"                           grant the guest's own requests for more\n"
		"                           memory, within --max (default: allow)\n"
		"      --max-pinned SIZE    the most the guest may have pinned on the host\n"
		"                           (its mlocked subblocks); 0: never pin\n"
		"                           (default: no limit but the data area)\n"
		"      --lock-all           keep every plugged subblock locked in host\n"
		"                           memory, following resizes\n"
		"      --host-paging        page the guest's ZONE_HOST memory on the host,\n"
		"                           from its hints, instead of the guest paging it\n"
		"                           to its own swap (needs host swap and\n"
		"                           CAP_SYS_NICE; default: off, `balloon-ctl\n"
		"                           paging on` turns it on later)\n"
		"      --paging-swap-floor SIZE\n"
		"                           free host swap to keep: below it the guest\n"
		"                           pages itself again (default: 64M)\n"
		"      --wss-interval SECONDS\n"
		"                           ask the guest for its working set this often;\n"
		"                           0: never (default: %g)\n"
		"      --wss-history N      working-set samples kept (default: %u, at most %u)\n"
		"      --policy auto|off    size ZONE_HOST from the working set (default: off)\n"
		"      --headroom SIZE      auto: bytes added to the working set (default: %lluM)\n"
		"      --headroom-percent P auto: and P%% of the working set (default: 0)\n"
		"      --min SIZE           auto: never request less, a multiple of 2M\n"
		"                           (default: 0)\n"
		"      --hysteresis SIZE    auto: shrink only when the target is this much\n"
		"                           (plus twice the estimate's error) below the\n"
		"                           requested size (default: %lluM)\n"
		"      --shrink-after N     auto: ... for N windows in a row (default: %u)\n"
		"      --shrink-step SIZE   auto: the most one shrink takes (default: %lluM)\n"
		"      --ask-holdoff SECONDS\n"
		"                           auto: no shrink this long after the guest asked\n"
		"                           for memory (default: %u)\n"
		"      --check-interval SECONDS\n"
		"                           look for host memory behind unplugged subblocks\n"
		"                           this often and free it; 0: only on demand\n"
		"                           (default: %g)\n"
		"      --on-violation punch|stop\n"
		"                           when the guest used memory it never plugged:\n"
		"                           free it, or free it and pause the VM through\n"
		"                           QEMU's QMP socket (default: punch)\n"
		"      --qmp PATH           QEMU's QMP socket, for --on-violation stop\n"
		"                           (default: DIR/NAME/qmp.sock, zhost-run's)\n"
		"      --on-disconnect exit|wait\n"
		"                           when QEMU goes away: exit, or wait for the\n"
		"                           next QEMU (default: wait)\n"
		"      --recover[=auto]     take over the VM of a zhostd that was killed:\n"
		"                           its QEMU and guest run on, zhostd takes the\n"
		"                           shared memory back from QEMU and the plugged\n"
		"                           map and pins from the guest; =auto: only if\n"
		"                           there is one (same options as that zhostd)\n"
		"  -d, --daemon             detach once the sockets listen\n"
		"  -p, --pid-file PATH      (default with --daemon: DIR/NAME/zhostd.pid)\n"
		"      --log-file PATH      log here (default: stderr, syslog with --daemon)\n"
		"      --log-level LEVEL    error, warn, info or debug (default: info)\n"
		"  -V, --version\n"
		"  -h, --help\n"
		"\n"
		"QEMU joins with:\n"
		"  -chardev socket,path=DIR/NAME/ivshmem.sock,id=zh\n"
		"  -device ivshmem-doorbell,chardev=zh,vectors=%d\n",
		ZHOSTD_NAME_DEFAULT, ZH_RUNTIME_DIR_ROOT,
		VMRPC_HOST_BAR_SIZE_DEFAULT >> 20, VMRPC_NR_SLOTS_DEFAULT,
		VMRPC_SLOT_SIZE_DEFAULT >> 10, VMRPC_HOST_WORKERS_DEFAULT,
		ZHOSTD_CALL_TIMEOUT_MS_DEFAULT, ZHOSTD_CONTROL_MAX_CLIENTS_DEFAULT,
		ZHOSTD_CONTROL_MAX_CLIENTS_MAX,
		ZHOSTD_WSS_INTERVAL_MS_DEFAULT / 1000.0, ZHOSTD_WSS_HISTORY_DEFAULT,
		ZHOSTD_WSS_HISTORY_MAX, ZHOSTD_POLICY_HEADROOM_DEFAULT >> 20,
		ZHOSTD_POLICY_HYSTERESIS_DEFAULT >> 20,
		ZHOSTD_POLICY_SHRINK_AFTER_DEFAULT,
		ZHOSTD_POLICY_SHRINK_STEP_DEFAULT >> 20,
		ZHOSTD_POLICY_ASK_HOLDOFF_S_DEFAULT,
		ZHOSTD_CHECK_INTERVAL_MS_DEFAULT / 1000.0, VMRPC_NR_VECTORS);
}
