// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMRPC clients: kernel code that needs to know when a zonehost device
 * comes and goes, beyond making calls. The ZONE_HOST provider is one: it
 * hot-adds the data area of BAR2 once the device is bound.
 *
 * A client registered before the device binds is attached at probe; one
 * registered later is attached at once.
 */
#define pr_fmt(fmt) "vmrpc: " fmt

#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>

#include "vmrpc-internal.h"

/* Protects the list and vmrpc_area_valid; never held across a call. */
static DEFINE_MUTEX(vmrpc_clients_lock);
static LIST_HEAD(vmrpc_clients);
static struct vmrpc_data_area vmrpc_area;
static bool vmrpc_area_valid;

/**
 * vmrpc_register_client() - be told when a zonehost device binds and goes
 * @client: the client; @attach runs now if a device is bound already
 *
 * Return: 0.
 */
int vmrpc_register_client(struct vmrpc_client *client)
{
	mutex_lock(&vmrpc_clients_lock);
	list_add_tail(&client->node, &vmrpc_clients);
	if (vmrpc_area_valid && client->attach)
		client->attach(client, &vmrpc_area);
	mutex_unlock(&vmrpc_clients_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(vmrpc_register_client);

/**
 * vmrpc_unregister_client() - stop being told; detaches first if attached
 * @client: a registered client
 */
void vmrpc_unregister_client(struct vmrpc_client *client)
{
	mutex_lock(&vmrpc_clients_lock);
	if (vmrpc_area_valid && client->detach)
		client->detach(client);
	list_del(&client->node);
	mutex_unlock(&vmrpc_clients_lock);
}
EXPORT_SYMBOL_GPL(vmrpc_unregister_client);

/**
 * vmrpc_clients_attach() - a device is bound and ready: attach the clients
 * @vdev: the device
 * @data_offset: offset of the data area in BAR2, checked by the caller
 * @data_size: its size, checked by the caller
 * @subblock_size: the host's plug unit
 */
void vmrpc_clients_attach(struct vmrpc_dev *vdev, u64 data_offset,
			  u64 data_size, u32 subblock_size)
{
	struct vmrpc_client *client;

	mutex_lock(&vmrpc_clients_lock);
	vmrpc_area = (struct vmrpc_data_area) {
		.start = vdev->bar2_start + data_offset,
		.size = data_size,
		.subblock_size = subblock_size,
		.dev = &vdev->pdev->dev,
	};
	vmrpc_area_valid = true;
	list_for_each_entry(client, &vmrpc_clients, node)
		if (client->attach)
			client->attach(client, &vmrpc_area);
	mutex_unlock(&vmrpc_clients_lock);
}

/**
 * vmrpc_clients_detach() - the device is going away: detach the clients
 */
void vmrpc_clients_detach(void)
{
	struct vmrpc_client *client;

	mutex_lock(&vmrpc_clients_lock);
	if (vmrpc_area_valid)
		list_for_each_entry(client, &vmrpc_clients, node)
			if (client->detach)
				client->detach(client);
	vmrpc_area_valid = false;
	mutex_unlock(&vmrpc_clients_lock);
}
