"""Guest reviews of checked-out stays: entry, import, moderation, replies and the averages."""
