package dev.kqlisten;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Entry point: a Spring Boot application whose TCP listener is driven by kqueue (epoll on
 * Linux) through JNA.
 */
@SpringBootApplication
public class KqlistenApplication {

    public static void main(String[] args) {
        SpringApplication.run(KqlistenApplication.class, args);
    }

}
