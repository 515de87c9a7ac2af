package dev.timewarp.server;

import java.util.List;

/**
 * Everything that happened to one activity, attempt by attempt. The history shows only the last
 * attempt (as the real server writes it); this record keeps them all.
 *
 * @param activityId the activity id
 * @param activityType the activity type name
 * @param scheduledEventId the id of its ActivityTaskScheduled event
 * @param closed whether the activity has reached its closing event
 * @param attempts every attempt so far, oldest first
 */
public record ActivityRecord(
    String activityId, String activityType, long scheduledEventId, boolean closed, List<AttemptRecord> attempts) {}
