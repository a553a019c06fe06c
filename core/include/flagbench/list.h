/* SPDX-License-Identifier: GPL-2.0 */
/* The few list operations the wait queues need; include/linux/list.h, v6.1. */
#ifndef FLAGBENCH_LIST_H
#define FLAGBENCH_LIST_H

#include <flagbench/types.h>

#define container_of(ptr, type, member)                                        \
	((type *)((char *)(ptr) - __builtin_offsetof(type, member)))

static inline void INIT_LIST_HEAD(struct list_head *list)
{
	list->next = list;
	list->prev = list;
}

static inline bool list_empty(const struct list_head *head)
{
	return head->next == head;
}

static inline void list_add_tail(struct list_head *new, struct list_head *head)
{
	new->prev = head->prev;
	new->next = head;
	head->prev->next = new;
	head->prev = new;
}

static inline void list_del_init(struct list_head *entry)
{
	entry->prev->next = entry->next;
	entry->next->prev = entry->prev;
	INIT_LIST_HEAD(entry);
}

/*
 * The waker's last touch of a wait entry it does not own: once the waiter
 * sees the entry empty it may return and reuse the memory.
 */
static inline void list_del_init_careful(struct list_head *entry)
{
	entry->prev->next = entry->next;
	entry->next->prev = entry->prev;
	entry->prev = entry;
	__atomic_store_n(&entry->next, entry, __ATOMIC_RELEASE);
}

static inline bool list_empty_careful(const struct list_head *head)
{
	return __atomic_load_n(&head->next, __ATOMIC_ACQUIRE) == head;
}

#endif /* FLAGBENCH_LIST_H */
