package com.example.hostapp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application of another team that has only added kqlisten as a dependency. It
 * scans {@code com.example.hostapp}, never {@code dev.kqlisten}: whatever kqlisten contributes
 * comes from its auto-configuration.
 */
@SpringBootApplication
public class HostApplication {

    public static void main(String[] args) {
        SpringApplication.run(HostApplication.class, args);
    }

}
