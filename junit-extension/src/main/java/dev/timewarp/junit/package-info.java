/**
 * JUnit 5 extension for Timewarp (in progress: see the project issues).
 */
package dev.timewarp.junit;
