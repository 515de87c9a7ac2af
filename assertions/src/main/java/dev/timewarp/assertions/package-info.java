/**
 * AssertJ assertions over Temporal histories and failures (in progress: see the project issues).
 */
package dev.timewarp.assertions;
