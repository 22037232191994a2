"""Orders: their statuses and allowed transitions, the rules that change them (with history,
optimistic lock and the messages they owe), the one view of an order, the month's calendar."""
